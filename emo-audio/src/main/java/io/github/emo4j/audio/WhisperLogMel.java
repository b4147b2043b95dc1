package io.github.emo4j.audio;

/**
 * openai/whisper's {@code log_mel_spectrogram}, exactly: 16 kHz input, 400-point periodic-Hann STFT
 * with hop 160, centred with reflect padding, the last frame dropped, power spectrum, Slaney mel filters
 * (80 or 128 bands), {@code log10(max(x, 1e-10))}, clamped at 8 below the maximum, then
 * {@code (x + 4) / 4}. EchoMimic, LatentSync, MuseTalk and Sonic take these features.
 *
 * <p>The clamp needs the maximum over the whole utterance, so the work is split: a
 * {@link FrameComputer} produces unclamped log10 frames (usable on a stream, frame by frame), and
 * {@link #finish} applies the clamp and scaling once the maximum is known.
 */
public final class WhisperLogMel {
    /** Whisper's sample rate, Hz. */
    public static final int SAMPLE_RATE = 16_000;
    /** Whisper's FFT size (25 ms). */
    public static final int N_FFT = 400;
    /** Whisper's hop (10 ms): one feature frame per hop. */
    public static final int HOP = 160;

    private final MelFilterBank filters;

    /** @param mels 80 (whisper up to large-v2) or 128 (large-v3) */
    public WhisperLogMel(int mels) {
        if (mels != 80 && mels != 128) {
            throw new IllegalArgumentException("whisper uses 80 or 128 mel bands, not " + mels);
        }
        this.filters = new MelFilterBank(SAMPLE_RATE, N_FFT, mels, 0, SAMPLE_RATE / 2.0);
    }

    /**
     * Mel bands.
     *
     * @return 80 or 128
     */
    public int mels() {
        return filters.mels();
    }

    /**
     * Frames whisper computes for a number of samples: one per hop, the centred STFT's last dropped.
     *
     * @param samples samples at 16 kHz
     * @return feature frames
     */
    public static long frames(long samples) {
        return samples / HOP;
    }

    /**
     * The whole feature matrix of 16 kHz audio.
     *
     * @param audio16k the samples
     * @return {@code [mels][frames]}
     */
    public float[][] compute(float[] audio16k) {
        int frames = (int) frames(audio16k.length);
        float[][] out = new float[mels()][frames];
        double[] padded = Stft.reflectPad(audio16k, N_FFT / 2);
        FrameComputer fc = frameComputer();
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < frames; t++) {
            max = Math.max(max, fc.logMel(padded, t * HOP, out, t));
        }
        finish(out, max);
        return out;
    }

    /**
     * A computer of single frames with its own work arrays, for one thread.
     *
     * @return the computer
     */
    public FrameComputer frameComputer() {
        return new FrameComputer();
    }

    /** Computes one unclamped {@code log10} mel frame at a time; not thread-safe. */
    public final class FrameComputer {
        private final Stft stft = new Stft(N_FFT);
        private final double[] power = new double[stft.bins()];
        private final double[] mel = new double[mels()];

        private FrameComputer() {
        }

        /**
         * The unclamped log10 mel frame whose window starts at {@code padded[from]}.
         *
         * @param padded the reflect-padded signal
         * @param from   the window's first sample
         * @param out    {@code [mels][frames]}, written in one column
         * @param column the column written
         * @return the frame's largest value
         */
        public double logMel(double[] padded, int from, float[][] out, int column) {
            stft.power(padded, from, power);
            filters.apply(power, mel);
            double max = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < mel.length; m++) {
                double v = Math.log10(Math.max(mel[m], 1e-10));
                out[m][column] = (float) v;
                max = Math.max(max, v);
            }
            return max;
        }
    }

    /**
     * Clamps at {@code max - 8} and maps to {@code (x + 4) / 4}, in place.
     *
     * @param logMel the unclamped log10 frames, {@code [mels][frames]}
     * @param max    the largest value over the whole utterance
     */
    public static void finish(float[][] logMel, double max) {
        for (float[] row : logMel) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) ((Math.max(row[i], max - 8.0) + 4.0) / 4.0);
            }
        }
    }

    /**
     * The same transform on one value.
     *
     * @param logValue an unclamped log10 value
     * @param max      the largest value over the whole utterance
     * @return the feature value
     */
    public static float finish(float logValue, double max) {
        return (float) ((Math.max(logValue, max - 8.0) + 4.0) / 4.0);
    }
}
