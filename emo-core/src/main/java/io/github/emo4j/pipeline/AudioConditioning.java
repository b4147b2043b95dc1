package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.PackException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.FrameAligner;
import io.github.emo4j.audio.WhisperLogMel;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.TensorView;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.TensorSpec;
import java.util.Map;

/**
 * Step 1 of EMO's method: the voice becomes per-frame audio conditions. The waveform is resampled to
 * the encoder's rate and given to it as the pack says — wav2vec2's normalised waveform in chunks, the
 * plain waveform, or whisper's log-mel in windows — encoded once for the whole render, and then each
 * video frame gets the features at its own instant and its ±m neighbours.
 */
final class AudioConditioning {

    private final float[][] features;
    private final FrameAligner aligner;
    private final int dim;
    private final long encoderNanos;

    private AudioConditioning(float[][] features, FrameAligner aligner, int dim, long encoderNanos) {
        this.features = features;
        this.aligner = aligner;
        this.dim = dim;
        this.encoderNanos = encoderNanos;
    }

    /** Time the audio encoder spent inside ONNX Runtime. */
    long encoderNanos() {
        return encoderNanos;
    }

    /** Most feature values a render holds (1 GiB of floats): about 9.7 minutes of Hallo's 12 × 768 at 50 Hz. */
    static final long MAX_FEATURE_VALUES = 1L << 28;

    /**
     * The render's audio conditions: the voice (or, for packs with a vocal separator, its vocals)
     * encoded at the pack's feature rate and aligned to video frames at {@code fps}.
     */
    static AudioConditioning of(ModelPack pack, AudioClip voice, int fps, RenderContext ctx) throws OrtException {
        PackSettings s = pack.settings();
        AudioClip heard = !pack.has(Role.VOCAL_SEPARATOR) ? voice : ctx.time("vocal_separation",
                () -> VocalSeparation.vocals(voice, pack.component(Role.VOCAL_SEPARATOR), s.separatorSampleRate(), ctx.clock));
        AudioConditioning audio = ctx.time("audio", () -> encode(heard, pack.component(Role.AUDIO_ENCODER), s, fps));
        ctx.clock.addAlone(audio.encoderNanos());
        return audio;
    }

    static AudioConditioning encode(AudioClip clip, OnnxComponent encoder, PackSettings s, int fps) {
        checkLength(clip.durationSeconds(), s);
        float[] wav = clip.resampledTo(s.audioSampleRate()).samples().clone();
        long rows = (long) Math.ceil(wav.length / (double) s.audioSampleRate() * s.audioFeatureRate());
        FloatTensor in = s.audioInput().isLogMel() ? logMelWindows(wav, encoder, s) : waveformChunks(wav, s, fps);
        float[] out;
        long before = encoder.nanosInRun();
        long t0 = System.nanoTime();
        try (TensorView t = TensorView.of(in, encoder.spec().input(Contract.AUDIO).dtype())) {
            out = encoder.runToArray(Map.of(Contract.AUDIO, t.onnx()), Contract.AUDIO_FEATURES);
        } catch (OrtException e) {
            throw new EmoException(encoder.name() + ": cannot create input tensor: " + e.getMessage(), e);
        }
        for (float v : out) {
            if (!Float.isFinite(v)) {
                throw new PackException(encoder.name() + ": output 'audio_features' holds NaN or infinite values; nothing was written");
            }
        }
        int dim = s.audioFeatureDim();
        long items = in.shape()[0];
        if (out.length % (items * dim) != 0) {
            throw new PackException(encoder.name() + ": produced " + out.length + " values for " + items
                    + " inputs; expected a multiple of " + dim + " per input");
        }
        long perItem = out.length / (items * dim);
        if (s.audioInput().isLogMel()) {
            // each window of N mel frames (N/100 s) must give the pack's feature rate
            double windowSeconds = in.shape()[2] / 100.0;
            if (Math.abs(perItem / windowSeconds - s.audioFeatureRate()) > 1e-6) {
                throw new PackException(encoder.name() + ": " + perItem + " features per " + windowSeconds + " s window is "
                        + perItem / windowSeconds + " per second; settings say " + s.audioFeatureRate()
                        + " (audio_sample_rate / audio_chunk_samples)");
            }
        } else if (perItem != 1) {
            throw new PackException(encoder.name() + ": produced " + out.length + " values for " + items
                    + " chunks; expected " + dim + " per chunk");
        }
        // padded to whole clips, the padding's rows stay: the last frames' windows reach into them, as in Hallo
        int n = (int) Math.max(1, s.audioPadToClips() ? items * perItem : Math.min(rows, items * perItem));
        float[][] f = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(out, i * dim, f[i], 0, dim);
        }
        // the component's counter is shared with concurrent renders; this call's own span bounds it
        long spent = Math.min(System.nanoTime() - t0, encoder.nanosInRun() - before);
        return new AudioConditioning(f, new FrameAligner(s.audioFeatureRate(), fps, 1, s.audioWindow()), dim, spent);
    }

    /** Refuses, before anything is allocated, a voice whose features would not fit {@link #MAX_FEATURE_VALUES}. */
    static void checkLength(double seconds, PackSettings s) {
        double perSecond = s.audioFeatureRate() * s.audioFeatureDim();
        if (Math.ceil(seconds * s.audioFeatureRate()) * s.audioFeatureDim() > MAX_FEATURE_VALUES) {
            throw new InvalidInputException(String.format("audio of %.0f s is too long for this pack's audio features "
                    + "(%.0f values a second); at most %.0f s per render", seconds, perSecond, MAX_FEATURE_VALUES / perSecond));
        }
    }

    /** The waveform in rows of the pack's chunk length, normalised as wav2vec2 expects when it is that kind. */
    private static FloatTensor waveformChunks(float[] wav, PackSettings s, int fps) {
        s.audioInput().prepareWaveform(wav);
        int chunk = s.audioChunkSamples();
        int chunks = Math.max(1, (wav.length + chunk - 1) / chunk);
        if (s.audioPadToClips()) {
            // silence up to a whole number of clips of video frames, as Hallo pads before wav2vec
            long frames = (long) Math.ceil(wav.length / (double) s.audioSampleRate() * fps);
            long clips = (frames + s.clipFrames() - 1) / s.clipFrames();
            long samples = clips * s.clipFrames() * (s.audioSampleRate() / fps);
            chunks = (int) Math.max(chunks, (samples + chunk - 1) / chunk);
        }
        FloatTensor in = FloatTensor.zeros(chunks, chunk);
        in.put(0, wav, 0, wav.length);
        return in;
    }

    /**
     * Whisper's log-mel of the whole voice, cut into the encoder's windows of N frames ([W, bands, N];
     * whisper's is 3000 frames, 30 s) with the last one padded with zeros, as whisper's
     * {@code pad_or_trim} does.
     */
    private static FloatTensor logMelWindows(float[] wav16k, OnnxComponent encoder, PackSettings s) {
        int bands = s.audioInput().melBands();
        TensorSpec spec = encoder.spec().input(Contract.AUDIO);
        long window = spec.rank() == 3 ? spec.dim(2) : -1;
        if (window < 1 || spec.dim(1) != bands) {
            throw new PackException(encoder.name() + ": input 'audio' must be [windows, " + bands + ", N] with N fixed for "
                    + s.audioInput().cliName() + ", not " + spec.shape());
        }
        float[][] mel = new WhisperLogMel(bands).compute(wav16k);
        int frames = mel[0].length;
        int windows = (int) Math.max(1, (frames + window - 1) / window);
        FloatTensor in = FloatTensor.zeros(windows, bands, window);
        for (int w = 0; w < windows; w++) {
            int from = (int) (w * window), len = (int) Math.min(window, frames - from);
            for (int b = 0; b < bands && len > 0; b++) {
                in.put((int) ((w * (long) bands + b) * window), mel[b], from, len);
            }
        }
        return in;
    }

    /** Writes the windows of frames {@code first..first+count-1} into {@code dst} at {@code offset}. */
    void windows(long first, int count, FloatTensor dst, int offset) {
        float[] w = aligner.windows(features, first, count);
        dst.put(offset, w, 0, w.length);
    }

    int windowValues() {
        return aligner.window() * dim;
    }

    /** The encoded features, {@code [chunks][dim]}. */
    float[][] features() {
        return features;
    }
}
