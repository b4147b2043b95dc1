package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.PackException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The voice separated from the music, for singing: Hallo conditions on the vocals alone, while the
 * video keeps the original mix. The separator sees fixed-length chunks at its own rate; chunks overlap
 * by half and their outputs are cross-faded with periodic Hann weights, which sum to one, so no chunk
 * edge is audible in the features. The mono voice is given to every input channel the separator has,
 * and its output channels are averaged.
 */
final class VocalSeparation {
    /** Samples at the separator's rate held at once, twice (input and result): 4 × 2^26 bytes each. */
    static final long MAX_SAMPLES = 1L << 26;

    private VocalSeparation() {
    }

    /** The vocals of {@code clip} at {@code rate}; the separator's runs are counted by {@code clock}. */
    static AudioClip vocals(AudioClip clip, OnnxComponent separator, int rate, OrtClock clock) {
        TensorSpec in = separator.spec().input(Contract.MIXTURE);
        long[] shape = chunkShape(in, separator.spec().output(Contract.VOCALS));
        long samples = (long) Math.ceil(clip.length() * (double) rate / clip.sampleRate());
        if (samples > MAX_SAMPLES) {
            throw new InvalidInputException(String.format("audio of %.0f s is too long for vocal separation at %d Hz "
                    + "(at most %d s)", clip.durationSeconds(), rate, MAX_SAMPLES / rate));
        }
        float[] x = clip.resampledTo(rate).samples();
        List<AutoCloseable> views = new ArrayList<>();
        // one session for all chunks, even when the separator is released between renders
        views.add(separator.hold());
        try {
            return new AudioClip(separate(x, shape, separator, views, clock), rate);
        } catch (OrtException e) {
            throw new EmoException("vocal_separator: " + e.getMessage(), e);
        } finally {
            ComponentCall.closeAll(views);
        }
    }

    /** The shape of one chunk, {@code [channels..., samples]}, checked against the contract. */
    private static long[] chunkShape(TensorSpec in, TensorSpec out) {
        long chunk = in.dim(in.rank() - 1);
        long channels = 1;
        for (int i = 0; i < in.rank() - 1; i++) {
            channels *= Math.max(1, in.dim(i));
        }
        if (chunk < 2 || chunk > (1 << 22) || (chunk & 1) != 0 || channels > 8) {
            throw new PackException("vocal_separator input 'mixture' must end in a fixed, even chunk length of at most "
                    + (1 << 22) + " samples after at most 8 channels, not " + in.shape());
        }
        if (!out.shape().equals(in.shape())) {
            throw new PackException("vocal_separator output 'vocals' must have the shape of its input " + in.shape()
                    + ", not " + out.shape());
        }
        long[] shape = new long[in.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.max(1, in.dim(i));
        }
        return shape;
    }

    /** Runs the separator over half-overlapping chunks of {@code x} and cross-fades their outputs. */
    private static float[] separate(float[] x, long[] shape, OnnxComponent separator, List<AutoCloseable> views,
                                    OrtClock clock) throws OrtException {
        FloatTensor mix = FloatTensor.zeros(shape);
        FloatTensor voc = FloatTensor.zeros(shape);
        int n = (int) shape[shape.length - 1], hop = n / 2, channels = mix.size() / n;
        float[] window = new float[n];
        for (int i = 0; i < n; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
        }
        float[] result = new float[x.length];
        float[] part = new float[n];
        float[] sep = new float[n * channels];
        ComponentCall call = new ComponentCall(separator, views, clock).input(Contract.MIXTURE, mix).output(Contract.VOCALS, voc);
        // start half a chunk early so every sample lies under two windows
        for (long start = -hop; start < x.length; start += hop) {
            Arrays.fill(part, 0f);
            int from = (int) Math.max(0, start), to = (int) Math.min(x.length, start + n);
            System.arraycopy(x, from, part, (int) (from - start), to - from);
            for (int c = 0; c < channels; c++) {
                mix.put(c * n, part, 0, n);
            }
            call.run();
            voc.get(0, sep, 0, sep.length);
            for (int i = from; i < to; i++) {
                int j = (int) (i - start);
                float v = 0;
                for (int c = 0; c < channels; c++) {
                    v += sep[c * n + j];
                }
                result[i] += window[j] * v / channels;
            }
        }
        return result;
    }
}
