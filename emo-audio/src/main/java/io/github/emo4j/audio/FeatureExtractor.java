package io.github.emo4j.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Computes {@link FeatureKind features} two ways with identical results: {@link #compute} on a clip in
 * memory, and {@link #writeNpy} on a file of any length in bounded memory (the file is read in blocks,
 * resampled as a stream, and the features are written into the {@code .npy} as they are made; kinds
 * with a global normalisation take a second pass over the written values).
 */
public final class FeatureExtractor {

    private static final int BLOCK = 1 << 15;
    private static final int RATE = 16_000;

    private final FeatureKind kind;
    private final double fps;

    /**
     * An extractor of one kind of features.
     *
     * @param kind which features
     * @param fps  video frame rate, used by {@link FeatureKind#ENVELOPE} only
     */
    public FeatureExtractor(FeatureKind kind, double fps) {
        if (kind == FeatureKind.ENVELOPE && !(fps > 0 && fps <= 240)) {
            throw new IllegalArgumentException("envelope needs a frame rate between 0 and 240: " + fps);
        }
        this.kind = kind;
        this.fps = fps;
    }

    /** The result of {@link #compute}: values in C order and their shape. */
    public record Features(float[] values, long[] shape) {
    }

    /**
     * Features of a clip in memory.
     *
     * @param clip the voice
     * @return the values and their shape
     */
    public Features compute(AudioClip clip) {
        float[] x = clip.resampledTo(RATE).samples();
        switch (kind) {
            case WAVEFORM_16K, WAV2VEC_INPUT, WAV2VEC_INPUT_CAUSAL: {
                float[] y = x.clone();
                kind.prepareWaveform(y);
                return new Features(y, new long[] {y.length});
            }
            case ENVELOPE: {
                int frames = envelopeFrames(x.length);
                return new Features(EnergyEnvelope.perFrame(new AudioClip(x, RATE), fps, frames), new long[] {frames});
            }
            default: {
                WhisperLogMel mel = new WhisperLogMel(kind.melBands());
                float[][] m = mel.compute(x);
                int frames = m.length == 0 ? 0 : m[0].length;
                float[] flat = new float[m.length * frames];
                for (int i = 0; i < m.length; i++) {
                    System.arraycopy(m[i], 0, flat, i * frames, frames);
                }
                return new Features(flat, new long[] {m.length, frames});
            }
        }
    }

    private int envelopeFrames(long samples16k) {
        return (int) Math.round(samples16k / (double) RATE * fps);
    }

    /**
     * Streams an audio file's features into a NumPy {@code .npy} file, whatever its length.
     *
     * @param audio the audio file
     * @param npy   the file to write
     * @return the shape written
     * @throws IOException if the audio cannot be read or the output written
     */
    public long[] writeNpy(Path audio, Path npy) throws IOException {
        long samples;
        int rate;
        try (AudioStream s = AudioFiles.open(audio)) {
            rate = s.sampleRate();
            if (s.lengthHint() < 0) {
                throw new AudioException(audio, "length unknown; cannot stream");
            }
            samples = Resampler.of(rate, RATE).outputLength(s.lengthHint());
        }
        switch (kind) {
            case WAVEFORM_16K:
            case WAV2VEC_INPUT:
                return waveform(audio, npy, samples, kind == FeatureKind.WAV2VEC_INPUT);
            case WAV2VEC_INPUT_CAUSAL:
                return causal(audio, npy, samples);
            case ENVELOPE:
                return envelope(audio, npy, samples);
            default:
                return whisper(audio, npy, samples);
        }
    }

    /** Feeds the 16 kHz stream of {@code audio} to {@code sink}. */
    private static void resampled(Path audio, Resampler.Sink sink) throws IOException {
        try (AudioStream s = AudioFiles.open(audio)) {
            Resampler.Stream rs = Resampler.of(s.sampleRate(), RATE).stream();
            float[] buf = new float[BLOCK];
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) {
                if (s.sampleRate() == RATE) {
                    sink.accept(buf, 0, n);
                } else {
                    rs.push(buf, 0, n, sink);
                }
            }
            if (s.sampleRate() != RATE) {
                rs.finish(sink);
            }
        }
    }

    /** The causally normalised waveform, one pass: each 20 ms is written once the voice up to its end is known. */
    private long[] causal(Path audio, Path npy, long samples) throws IOException {
        Wav2VecInput.Causal norm = new Wav2VecInput.Causal(Wav2VecInput.CAUSAL_CHUNK);
        float[] chunk = new float[Wav2VecInput.CAUSAL_CHUNK];
        try (NpyWriter w = new NpyWriter(npy, samples)) {
            long[] at = {0};
            int[] held = {0};
            resampled(audio, (b, off, len) -> {
                for (int i = 0; i < len; i++) {
                    chunk[held[0]++] = b[off + i];
                    if (held[0] == chunk.length) {
                        norm.normalizeInPlace(chunk);
                        write(w, at, chunk, chunk.length);
                        held[0] = 0;
                    }
                }
            });
            if (held[0] > 0) {
                float[] last = Arrays.copyOf(chunk, held[0]);
                norm.normalizeInPlace(last);
                write(w, at, last, last.length);
            }
        }
        return new long[] {samples};
    }

    private static void write(NpyWriter w, long[] at, float[] values, int n) {
        try {
            w.write(at[0], values, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        at[0] += n;
    }

    private long[] waveform(Path audio, Path npy, long samples, boolean normalise) throws IOException {
        try (NpyWriter w = new NpyWriter(npy, samples)) {
            long[] at = {0};
            double[] sum = {0};
            resampled(audio, (b, off, len) -> {
                try {
                    w.write(at[0], b, off, len);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                for (int i = 0; i < len; i++) {
                    sum[0] += b[off + i];
                }
                at[0] += len;
            });
            if (normalise) {
                // the same two-pass mean and variance as Wav2VecInput.normalizeInPlace
                double mean = sum[0] / Math.max(1, samples);
                float[] block = new float[BLOCK];
                double var = 0;
                for (long i = 0; i < samples; i += BLOCK) {
                    int n = (int) Math.min(BLOCK, samples - i);
                    w.read(i, block, 0, n);
                    for (int k = 0; k < n; k++) {
                        double d = block[k] - mean;
                        var += d * d;
                    }
                }
                var /= Math.max(1, samples);
                double inv = 1.0 / Math.sqrt(var + 1e-7);
                for (long i = 0; i < samples; i += BLOCK) {
                    int n = (int) Math.min(BLOCK, samples - i);
                    w.read(i, block, 0, n);
                    for (int k = 0; k < n; k++) {
                        block[k] = (float) ((block[k] - mean) * inv);
                    }
                    w.write(i, block, 0, n);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new long[] {samples};
    }

    private long[] envelope(Path audio, Path npy, long samples) throws IOException {
        int frames = envelopeFrames(samples);
        float[] env = new float[frames];
        double perFrame = RATE / fps;
        double[] acc = new double[frames];
        long[] at = {0};
        resampled(audio, (b, off, len) -> {
            for (int i = 0; i < len; i++) {
                long idx = at[0] + i;
                // frame k covers [round(k·perFrame), round((k+1)·perFrame)), as EnergyEnvelope measures it
                int k = (int) Math.floor(idx / perFrame);
                while (k > 0 && Math.round(k * perFrame) > idx) {
                    k--;
                }
                while (k + 1 < frames && Math.round((k + 1) * perFrame) <= idx) {
                    k++;
                }
                if (k < frames && idx >= Math.round(k * perFrame) && idx < Math.round((k + 1) * perFrame)) {
                    acc[k] += b[off + i] * b[off + i];
                }
            }
            at[0] += len;
        });
        for (int k = 0; k < frames; k++) {
            long a = Math.round(k * perFrame), e = Math.min(samples, Math.round((k + 1) * perFrame));
            env[k] = e > a ? (float) Math.sqrt(acc[k] / (e - a)) : 0f;
        }
        try (NpyWriter w = new NpyWriter(npy, frames)) {
            w.write(0, env, 0, frames);
        }
        return new long[] {frames};
    }

    private long[] whisper(Path audio, Path npy, long samples) throws IOException {
        int pad = WhisperLogMel.N_FFT / 2, hop = WhisperLogMel.HOP;
        if (samples <= pad) {
            throw new AudioException(audio, "too short for whisper features (" + samples + " samples at 16 kHz)");
        }
        long frames = WhisperLogMel.frames(samples);
        WhisperLogMel mel = new WhisperLogMel(kind.melBands());
        int mels = mel.mels();
        int blockFrames = 512;
        try (NpyWriter w = new NpyWriter(npy, mels, frames)) {
            WhisperStream ws = new WhisperStream(mel, samples, frames, blockFrames, w);
            resampled(audio, ws::push);
            ws.finish();
            // second pass: the clamp needs the global maximum
            float[] row = new float[BLOCK];
            for (int m = 0; m < mels; m++) {
                for (long t = 0; t < frames; t += BLOCK) {
                    int n = (int) Math.min(BLOCK, frames - t);
                    w.read(m * frames + t, row, 0, n);
                    for (int i = 0; i < n; i++) {
                        row[i] = WhisperLogMel.finish(row[i], ws.max);
                    }
                    w.write(m * frames + t, row, 0, n);
                }
            }
        }
        return new long[] {mels, frames};
    }

    /** Whisper frames from a stream: keeps the samples the next frames need and the first 201 for the reflection. */
    private static final class WhisperStream {
        final WhisperLogMel.FrameComputer mel;
        final long samples;
        final long frames;
        final NpyWriter out;
        final int blockFrames;
        final double[] head = new double[WhisperLogMel.N_FFT / 2 + 1];
        double[] buf = new double[1 << 16];
        long bufStart;
        int bufLen;
        long received;
        long nextFrame;
        final float[][] block;
        int blockCount;
        long blockFirst;
        double max = Double.NEGATIVE_INFINITY;
        final double[] padded = new double[WhisperLogMel.N_FFT];

        WhisperStream(WhisperLogMel mel, long samples, long frames, int blockFrames, NpyWriter out) {
            this.mel = mel.frameComputer();
            this.samples = samples;
            this.frames = frames;
            this.blockFrames = blockFrames;
            this.out = out;
            this.block = new float[mel.mels()][blockFrames];
        }

        void push(float[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                long idx = received + i;
                if (idx < head.length) {
                    head[(int) idx] = b[off + i];
                }
            }
            if (bufLen + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, bufLen + len));
            }
            for (int i = 0; i < len; i++) {
                buf[bufLen + i] = b[off + i];
            }
            bufLen += len;
            received += len;
            run(false);
        }

        void finish() throws IOException {
            run(true);
            flush();
        }

        private double sample(long i) {
            if (i < 0) {
                return head[(int) -i];
            }
            if (i >= samples) {
                i = 2 * (samples - 1) - i;
            }
            return buf[(int) (i - bufStart)];
        }

        private void run(boolean end) {
            int pad = WhisperLogMel.N_FFT / 2;
            while (nextFrame < frames) {
                long start = nextFrame * WhisperLogMel.HOP - pad;
                long last = start + WhisperLogMel.N_FFT - 1;
                long needed = last < samples ? last : samples - 1;
                if (!end && (needed >= received || received < head.length)) {
                    break;
                }
                for (int k = 0; k < WhisperLogMel.N_FFT; k++) {
                    padded[k] = sample(start + k);
                }
                double m = mel.logMel(padded, 0, block, blockCount);
                max = Math.max(max, m);
                blockCount++;
                nextFrame++;
                if (blockCount == blockFrames) {
                    try {
                        flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            // keep from the earliest sample a future frame needs (and the tail, for the end reflection)
            long keepFrom = Math.max(0, nextFrame * WhisperLogMel.HOP - pad - 2);
            int drop = (int) Math.max(0, Math.min(bufLen, keepFrom - bufStart));
            if (drop > 0) {
                System.arraycopy(buf, drop, buf, 0, bufLen - drop);
                bufLen -= drop;
                bufStart += drop;
            }
        }

        private void flush() throws IOException {
            for (int m = 0; m < block.length; m++) {
                out.write(m * frames + blockFirst, block[m], 0, blockCount);
            }
            blockFirst += blockCount;
            blockCount = 0;
        }
    }
}
