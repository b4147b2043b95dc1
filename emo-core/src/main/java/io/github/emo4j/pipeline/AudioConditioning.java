package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.FrameAligner;
import io.github.emo4j.audio.Wav2VecInput;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.TensorView;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.PackSettings;
import java.util.Map;

/**
 * Step 1 of EMO's method: the voice becomes per-frame audio conditions. The waveform is resampled to
 * the encoder's rate and normalised, cut into the encoder's chunks, encoded once for the whole render,
 * and then each video frame gets the features at its own instant and its ±m neighbours.
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

    static AudioConditioning encode(AudioClip clip, OnnxComponent encoder, PackSettings s, int fps) {
        float[] wav = clip.resampledTo(s.audioSampleRate()).samples().clone();
        Wav2VecInput.normalizeInPlace(wav);
        int chunk = s.audioChunkSamples();
        int chunks = Math.max(1, (wav.length + chunk - 1) / chunk);
        FloatTensor in = FloatTensor.zeros(chunks, chunk);
        in.put(0, wav, 0, wav.length);
        float[] out;
        long before = encoder.nanosInRun();
        long t0 = System.nanoTime();
        try (TensorView t = TensorView.of(in, encoder.spec().input(Contract.AUDIO).dtype())) {
            out = encoder.runToArray(Map.of(Contract.AUDIO, t.onnx()), Contract.AUDIO_FEATURES);
        } catch (OrtException e) {
            throw new EmoException("audio_encoder: cannot create input tensor: " + e.getMessage(), e);
        }
        int dim = out.length / chunks;
        if (dim * chunks != out.length || dim != s.audioFeatureDim()) {
            throw new EmoException("audio_encoder: produced " + out.length + " values for " + chunks
                    + " chunks; expected " + s.audioFeatureDim() + " per chunk");
        }
        float[][] f = new float[chunks][dim];
        for (int i = 0; i < chunks; i++) {
            System.arraycopy(out, i * dim, f[i], 0, dim);
        }
        // the component's counter is shared with concurrent renders; this call's own span bounds it
        long spent = Math.min(System.nanoTime() - t0, encoder.nanosInRun() - before);
        return new AudioConditioning(f, new FrameAligner(s.audioFeatureRate(), fps, 1, s.audioWindow()), dim, spent);
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
