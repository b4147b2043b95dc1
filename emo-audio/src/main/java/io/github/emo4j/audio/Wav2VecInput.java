package io.github.emo4j.audio;

/**
 * The waveform that wav2vec2-style encoders expect: 16 kHz mono, normalised to zero mean and unit
 * variance over the whole utterance (Hugging Face's {@code do_normalize}, with its 1e-7 floor).
 */
public final class Wav2VecInput {
    /** The sample rate every wav2vec2 checkpoint of the EMO family was trained at. */
    public static final int SAMPLE_RATE = 16_000;

    private Wav2VecInput() {
    }

    /**
     * wav2vec2's input for a clip: resampled to 16 kHz if needed, then normalised.
     *
     * @param clip the voice
     * @return zero-mean, unit-variance samples at 16 kHz
     */
    public static float[] from(AudioClip clip) {
        float[] x = clip.resampledTo(SAMPLE_RATE).samples().clone();
        normalizeInPlace(x);
        return x;
    }

    /**
     * Zero mean, unit variance, in place, as wav2vec2's feature extractor does.
     *
     * @param x the samples, changed in place
     */
    public static void normalizeInPlace(float[] x) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= Math.max(1, x.length);
        double var = 0;
        for (float v : x) {
            double d = v - mean;
            var += d * d;
        }
        var /= Math.max(1, x.length);
        normalizeInPlace(x, mean, var);
    }

    /**
     * Normalised with statistics given rather than the samples' own: for a voice that arrives in pieces,
     * where each piece is scaled by what has been heard so far.
     *
     * @param x        the samples, changed in place
     * @param mean     the mean to subtract
     * @param variance the variance to divide by (its square root), with wav2vec2's 1e-7 floor added
     */
    public static void normalizeInPlace(float[] x, double mean, double variance) {
        double inv = 1.0 / Math.sqrt(variance + 1e-7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((x[i] - mean) * inv);
        }
    }
}
