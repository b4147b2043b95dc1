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
        normalizeRange(x, 0, x.length, mean, var);
    }

    /**
     * Normalises {@code x[from..to)} in place by {@code mean} and the square root of {@code variance} plus
     * wav2vec2's 1e-7.
     */
    private static void normalizeRange(float[] x, int from, int to, double mean, double variance) {
        double inv = 1.0 / Math.sqrt(variance + 1e-7);
        for (int i = from; i < to; i++) {
            x[i] = (float) ((x[i] - mean) * inv);
        }
    }

    /** Samples a causal normalisation takes at a time: 20 ms at 16 kHz, one audio feature of the EMO family. */
    public static final int CAUSAL_CHUNK = 320;

    /** Least standard deviation of a causal normalisation (−40 dBFS): silence before a voice stays quiet. */
    public static final double MIN_CAUSAL_STD = 0.01;

    /**
     * wav2vec2's normalisation for a voice that arrives in pieces: each chunk of {@code chunk} samples is
     * normalised by the mean and variance of the voice up to the chunk's end, its standard deviation held
     * at {@link #MIN_CAUSAL_STD} or more. The same voice gives the same values however it is cut, as long
     * as the pieces are whole chunks. Keeps its statistics from piece to piece; one voice, one thread.
     */
    public static final class Causal {
        private final int chunk;
        private long count;
        private double sum;
        private double squares;

        /**
         * A normaliser of chunks of {@code chunk} samples.
         *
         * @param chunk samples per chunk; {@link Integer#MAX_VALUE} normalises each piece as a whole
         */
        public Causal(int chunk) {
            if (chunk < 1) {
                throw new IllegalArgumentException("chunk must be positive: " + chunk);
            }
            this.chunk = chunk;
        }

        /**
         * Normalises the next piece of the voice in place: whole chunks, and a shorter last one only at the
         * voice's end.
         *
         * @param x the piece, changed in place
         */
        public void normalizeInPlace(float[] x) {
            for (int from = 0; from < x.length; from += chunk) {
                int to = Math.min(x.length, from + chunk);
                for (int i = from; i < to; i++) {
                    sum += x[i];
                    squares += (double) x[i] * x[i];
                }
                count += to - from;
                double mean = sum / count;
                normalizeRange(x, from, to, mean, Math.max(squares / count - mean * mean, MIN_CAUSAL_STD * MIN_CAUSAL_STD));
            }
        }
    }
}
