package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.PackException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.FeatureKind;
import io.github.emo4j.audio.FrameAligner;
import io.github.emo4j.audio.WanAudioBuckets;
import io.github.emo4j.audio.Wav2VecInput;
import io.github.emo4j.audio.WhisperLogMel;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.TensorView;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.TensorSpec;
import java.util.Arrays;
import java.util.Map;

/**
 * Step 1 of EMO's method: the voice becomes per-frame audio conditions. The waveform is resampled to
 * the encoder's rate and given to it as the pack says — wav2vec2's normalised waveform in chunks, the
 * plain waveform, or whisper's log-mel in windows — and then each video frame gets the features at its
 * own instant and its ±m neighbours.
 *
 * <p>The voice may arrive in pieces ({@link #append}). Each call to {@link #encode} encodes what has
 * arrived since the last one as one segment, cut at a whole number of feature rows, so a session fed
 * in pieces sees its conditions grow while a file render, fed the whole voice and encoding once at its
 * end, encodes it in one segment exactly as the paper's pipeline does. A segment's features see only
 * that segment (wav2vec2's normalisation and attention included), which is the price of speaking before
 * the voice is over.
 */
final class AudioConditioning {

    private final ModelPack pack;
    private final OnnxComponent encoder;
    private final PackSettings settings;
    private final int fps;
    private final FrameAligner aligner;
    /** Wan2.2-S2V's alignment, where the pack asks for it, instead of {@link #aligner}'s. */
    private final WanAudioBuckets wan;
    private final int dim;
    private final RenderContext ctx;
    /**
     * Encoded feature rows {@link #rowsDropped} to {@link #rows} (both counted from the voice's start); the
     * array holds them from index 0, then capacity. Rows no clip will read again are let go.
     */
    private float[][] features = new float[0][];
    private long rows;
    private long rowsDropped;
    /**
     * The voice at its own rate from sample {@link #encodedSamples} (counted from the voice's start) to
     * {@link #voiceLength}: what is not encoded yet; encoded samples are let go.
     */
    private float[] voice = new float[0];
    private long voiceLength;
    /** Whether {@link #voice} is this object's own array, which it may write, rather than a caller's. */
    private boolean voiceOwned = true;
    private int voiceRate;
    private long encodedSamples;
    private boolean ended;
    /**
     * The normalisation by the voice up to each piece's end: per chunk for packs whose input is
     * {@code wav2vec-input-causal}, which then get the same values however the voice is cut; per piece
     * for {@code wav2vec-input} fed in pieces, whose whole-utterance statistics a session cannot know.
     */
    private final Wav2VecInput.Causal running;

    private AudioConditioning(ModelPack pack, int fps, RenderContext ctx) {
        this.pack = pack;
        this.encoder = pack.component(Role.AUDIO_ENCODER);
        this.settings = pack.settings();
        this.fps = fps;
        this.ctx = ctx;
        this.dim = settings.audioFeatureDim();
        this.aligner = new FrameAligner(settings.audioFeatureRate(), fps, 1, settings.audioWindow());
        this.wan = settings.audioAlignment().equals("wan-s2v")
                ? new WanAudioBuckets(settings.audioFeatureRate(), fps, settings.audioWindow()) : null;
        this.running = new Wav2VecInput.Causal(settings.audioInput() == FeatureKind.WAV2VEC_INPUT_CAUSAL
                ? settings.audioChunkSamples() : Integer.MAX_VALUE);
    }

    /** Most feature values a render holds (1 GiB of floats): about 9.7 minutes of Hallo's 12 × 768 at 50 Hz. */
    static final long MAX_FEATURE_VALUES = 1L << 28;

    /** Conditions for a voice still to come, encoded by {@code pack}'s audio encoder for video at {@code fps}. */
    static AudioConditioning open(ModelPack pack, int fps, RenderContext ctx) {
        return new AudioConditioning(pack, fps, ctx);
    }

    /** The conditions of the whole of {@code voice}, encoded at once outside a render; for tests of the encoder contract. */
    static AudioConditioning encodeWhole(ModelPack pack, AudioClip voice, int fps) throws OrtException {
        AudioConditioning a = open(pack, fps, new RenderContext(null, () -> false));
        a.append(voice);
        a.end();
        a.encode();
        return a;
    }

    /**
     * Adds {@code piece} to the voice. Every piece has the first one's sample rate.
     *
     * @throws InvalidInputException when the rate differs, or the voice grows past what a render holds
     */
    void append(AudioClip piece) {
        if (ended) {
            throw new IllegalStateException("the voice has ended");
        }
        if (voiceLength == 0 && voiceRate == 0) {
            voiceRate = piece.sampleRate();
        } else if (piece.sampleRate() != voiceRate) {
            throw new InvalidInputException("voice piece at " + piece.sampleRate() + " Hz; this render's voice is at "
                    + voiceRate + " Hz");
        }
        long held = voiceLength - encodedSamples + piece.length();
        checkLength((voiceLength + piece.length() - rowsDropped / settings.audioFeatureRate() * voiceRate) / voiceRate,
                settings);
        if (held > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("the voice is longer than one render holds");
        }
        int before = (int) (voiceLength - encodedSamples);
        if (before == 0 && piece.length() > voice.length) {
            // the caller's array is read, never written: a file render's voice is not copied
            voice = piece.samples();
            voiceOwned = false;
        } else {
            if (held > voice.length || !voiceOwned) {
                voice = Arrays.copyOf(voice, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(held, 2L * voice.length)));
                voiceOwned = true;
            }
            System.arraycopy(piece.samples(), 0, voice, before, piece.length());
        }
        voiceLength += piece.length();
    }

    /** Marks the voice as complete: the next {@link #encode} takes all of it, padding as the pack asks. */
    void end() {
        ended = true;
    }

    boolean ended() {
        return ended;
    }

    /** Seconds of voice so far. */
    double seconds() {
        return voiceRate == 0 ? 0 : voiceLength / (double) voiceRate;
    }

    /** Video frames the voice so far covers, whole frames only. */
    long voiceFrames() {
        return voiceRate == 0 ? 0 : (long) Math.floor(seconds() * fps);
    }

    /** Seconds of voice received but not yet encoded. */
    double pendingSeconds() {
        return voiceRate == 0 ? 0 : (voiceLength - encodedSamples) / (double) voiceRate;
    }

    /**
     * Whether frames up to {@code lastFrame} have every feature row their ±m windows read: always once the
     * voice has ended and is encoded (the windows then hold at the last row, as the paper's pipeline does).
     */
    boolean covers(long lastFrame) {
        if (ended && encodedSamples == voiceLength) {
            return true;
        }
        double pos = (lastFrame + settings.audioWindow() + 0.5) / fps * settings.audioFeatureRate() - 0.5;
        return rows >= (long) Math.floor(pos) + 2;
    }

    /**
     * Encodes the voice received since the last call as one segment: all of it once the voice has
     * ended, otherwise up to its last whole feature row. Does nothing when there is nothing to encode.
     */
    void encode() throws OrtException {
        if (voiceRate == 0 && ended) {
            throw new InvalidInputException("audio is empty");
        }
        double rate = settings.audioFeatureRate();
        long to;
        long keepRows;
        if (ended) {
            to = voiceLength;
            keepRows = -1;
        } else {
            long target = (long) Math.floor(voiceLength * rate / voiceRate);
            keepRows = target - rows;
            to = (long) Math.min(voiceLength, Math.ceil(target * (double) voiceRate / rate));
        }
        boolean padOnly = ended && to <= encodedSamples && paddedSamples(encodedSamplesAtEncoderRate(), 0) > 0;
        if ((to <= encodedSamples && !padOnly) || keepRows == 0) {
            trimIfEnded();
            return;
        }
        int length = (int) (to - encodedSamples);
        AudioClip segment = new AudioClip(padOnly ? new float[0] : length == voice.length ? voice
                : Arrays.copyOf(voice, length), voiceRate);
        boolean whole = encodedSamples == 0 && ended;
        AudioClip heard = !pack.has(Role.VOCAL_SEPARATOR) || padOnly ? segment : ctx.time("vocal_separation",
                () -> VocalSeparation.vocals(segment, pack.component(Role.VOCAL_SEPARATOR), settings.separatorSampleRate(),
                        ctx.clock));
        long before = encoder.nanosInRun();
        long t0 = System.nanoTime();
        float[][] segmentRows = ctx.time("audio", () -> encodeSegment(heard, keepRows, whole));
        // the component's counter is shared with concurrent renders; this call's own span bounds it
        ctx.clock.addAlone(Math.min(System.nanoTime() - t0, encoder.nanosInRun() - before));
        int held = (int) (rows - rowsDropped);
        if (held + segmentRows.length > features.length) {
            features = Arrays.copyOf(features, Math.max(held + segmentRows.length, 2 * features.length));
        }
        System.arraycopy(segmentRows, 0, features, held, segmentRows.length);
        rows += segmentRows.length;
        if (whole && ctx.trace.on() && segmentRows.length > 0) {
            // the rows an original's pipeline is fed in a parity run (Wan's wav2vec2 hidden states, say)
            float[] flat = new float[segmentRows.length * dim];
            for (int i = 0; i < segmentRows.length; i++) {
                System.arraycopy(segmentRows[i], 0, flat, i * dim, dim);
            }
            ctx.trace.render(Contract.AUDIO_FEATURES, FloatTensor.of(flat, segmentRows.length, dim),
                    "[rows, D]: the audio encoder's rows of the whole voice, " + settings.audioFeatureRate() + " a second");
        }
        // the encoded voice is let go; what follows it moves to the front
        int rest = (int) (voiceLength - to);
        if (!padOnly && rest > 0) {
            if (!voiceOwned) {
                voice = Arrays.copyOfRange(voice, length, length + Math.max(rest, voice.length - length));
                voiceOwned = true;
            } else {
                System.arraycopy(voice, length, voice, 0, rest);
            }
        }
        encodedSamples = to;
        trimIfEnded();
    }

    /**
     * Lets go of the feature rows that no frame from {@code frame} on reads: a long session holds only a
     * few seconds of features, whatever its length.
     */
    void forgetBefore(long frame) {
        // Wan's alignment reads from a frame's start, a row earlier, and its neighbours are 30-fps rows apart
        double pos = wan != null ? (frame - (settings.audioWindow() + 1) * 2.0) / fps * settings.audioFeatureRate() - 1
                : (frame - settings.audioWindow() + 0.5) / fps * settings.audioFeatureRate() - 0.5;
        long keepFrom = Math.min(rows, Math.max(0, (long) Math.floor(pos)));
        int drop = (int) (keepFrom - rowsDropped);
        if (drop <= 0 || ended) {
            return;
        }
        int held = (int) (rows - rowsDropped);
        System.arraycopy(features, drop, features, 0, held - drop);
        Arrays.fill(features, held - drop, held, null);
        rowsDropped = keepFrom;
    }

    /** Once the voice is complete, the rows are exactly the features: the last frames' windows hold at the last row. */
    private void trimIfEnded() {
        int held = (int) (rows - rowsDropped);
        if (ended && held < features.length) {
            features = Arrays.copyOf(features, held);
        }
    }

    /**
     * The feature rows of one segment: {@code keepRows} of them, or for the voice's last segment as many as
     * its length gives (with Hallo's padding, every row of the padded clips).
     */
    private float[][] encodeSegment(AudioClip clip, long keepRows, boolean whole) {
        PackSettings s = settings;
        float[] wav = clip.resampledTo(s.audioSampleRate()).samples().clone();
        if (s.audioInput() == FeatureKind.WAV2VEC_INPUT_CAUSAL || (!whole && s.audioInput() == FeatureKind.WAV2VEC_INPUT)) {
            running.normalizeInPlace(wav);
        } else {
            s.audioInput().prepareWaveform(wav);
        }
        long rowsOfLength = (long) Math.ceil(wav.length / (double) s.audioSampleRate() * s.audioFeatureRate());
        if (whole && s.audioReceptiveField() > 0) {
            // as many rows as the encoder's convolutions make of the voice (wav2vec2: one per 320 samples past
            // its first 400), not one per started chunk: the rows an original's pipeline resamples are these
            rowsOfLength = Math.max(1, Math.floorDiv(wav.length - s.audioReceptiveField(), s.audioChunkSamples()) + 1);
        }
        FloatTensor in = s.audioInput().isLogMel() ? logMelWindows(wav, encoder, s) : waveformChunks(wav, s, fps,
                ended ? encodedSamplesAtEncoderRate() : -1);
        float[] out;
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
        long produced = items * perItem;
        // padded to whole clips, the padding's rows stay: the last frames' windows reach into them, as in Hallo
        int n = (int) (keepRows >= 0 ? Math.min(keepRows, produced)
                : Math.max(rows == 0 ? 1 : 0, s.audioPadToClips() ? produced : Math.min(rowsOfLength, produced)));
        float[][] f = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(out, i * dim, f[i], 0, dim);
        }
        return f;
    }

    /** Samples at the encoder's rate the segments before this one held. */
    private long encodedSamplesAtEncoderRate() {
        return Math.round(encodedSamples / (double) voiceRate * settings.audioSampleRate());
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
    private static FloatTensor waveformChunks(float[] wav, PackSettings s, int fps, long before) {
        int chunk = s.audioChunkSamples();
        long samples = Math.max(wav.length, before < 0 ? 0 : paddedSamples(s, fps, before, wav.length));
        int chunks = (int) Math.max(1, (samples + chunk - 1) / chunk);
        FloatTensor in = FloatTensor.zeros(chunks, chunk);
        in.put(0, wav, 0, wav.length);
        return in;
    }

    /**
     * Samples at the encoder's rate the voice's last segment of {@code length} samples spans once padded
     * with silence to a whole number of clips of video frames, as Hallo pads before wav2vec, after
     * {@code before} samples of earlier segments; 0 when the pack does not pad.
     */
    private static long paddedSamples(PackSettings s, int fps, long before, long length) {
        if (!s.audioPadToClips() || s.audioInput().isLogMel()) {
            return 0;
        }
        long frames = (long) Math.ceil((before + length) / (double) s.audioSampleRate() * fps);
        long clips = (frames + s.clipFrames() - 1) / s.clipFrames();
        return clips * s.clipFrames() * (s.audioSampleRate() / fps) - before;
    }

    private long paddedSamples(long before, long length) {
        return paddedSamples(settings, fps, before, length);
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

    /**
     * Writes the windows of frames {@code first..first+count-1} into {@code dst} at {@code offset}; the
     * frames are ones {@link #covers} says are covered.
     */
    void windows(long first, int count, FloatTensor dst, int offset) {
        float[] w = wan != null ? wan.windows(features, rows, rowsDropped, first, count)
                : aligner.windows(features, rowsDropped, first, count);
        dst.put(offset, w, 0, w.length);
    }

    int windowValues() {
        return aligner.window() * dim;
    }

    /** The encoded features so far, {@code [rows][dim]}. */
    float[][] features() {
        return Arrays.copyOf(features, (int) (rows - rowsDropped));
    }
}
