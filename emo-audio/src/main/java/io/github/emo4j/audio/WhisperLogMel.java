package io.github.emo4j.audio;

/**
 * openai/whisper's {@code log_mel_spectrogram}, exactly: 16 kHz input, 400-point periodic-Hann STFT
 * with hop 160, centred with reflect padding, the last frame dropped, power spectrum, Slaney mel filters
 * (80 or 128 bands), {@code log10(max(x, 1e-10))}, clamped at 8 below the maximum, then
 * {@code (x + 4) / 4}. EchoMimic, LatentSync, MuseTalk and Sonic take these features.
 *
 * <p>The clamp needs the maximum over the whole utterance, so the work is split:
 * {@link #logMelFrames} produces unclamped log10 frames (usable on a stream, chunk by chunk), and
 * {@link #finish} applies the clamp and scaling once the maximum is known.
 */
public final class WhisperLogMel {
    public static final int SAMPLE_RATE = 16_000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;

    private final MelFilterBank filters;

    /** @param mels 80 (whisper up to large-v2) or 128 (large-v3) */
    public WhisperLogMel(int mels) {
        if (mels != 80 && mels != 128) {
            throw new IllegalArgumentException("whisper uses 80 or 128 mel bands, not " + mels);
        }
        this.filters = new MelFilterBank(SAMPLE_RATE, N_FFT, mels, 0, SAMPLE_RATE / 2.0);
    }

    public int mels() {
        return filters.mels();
    }

    /** Frames whisper computes for {@code samples} samples: one per hop, the centred STFT's last dropped. */
    public static long frames(long samples) {
        return samples / HOP;
    }

    /** The whole feature matrix, {@code [mels][frames]}, of 16 kHz audio. */
    public float[][] compute(float[] audio16k) {
        int frames = (int) frames(audio16k.length);
        float[][] out = new float[mels()][frames];
        double max = logMelFrames(Stft.reflectPad(audio16k, N_FFT / 2), 0, frames, out, 0);
        finish(out, max);
        return out;
    }

    /**
     * Unclamped {@code log10} mel frames {@code first .. first+count-1} of a padded signal, written to
     * {@code out[mel][offset + i]}.
     *
     * @param padded the signal with {@code N_FFT/2} samples of reflection on each side; frame {@code t}
     *               starts at padded sample {@code t * HOP}
     * @return the largest value written
     */
    public double logMelFrames(double[] padded, int first, int count, float[][] out, int offset) {
        Stft stft = new Stft(N_FFT);
        double[] power = new double[stft.bins()];
        double[] mel = new double[mels()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            stft.power(padded, (first + i) * HOP, power);
            filters.apply(power, mel);
            for (int m = 0; m < mel.length; m++) {
                double v = Math.log10(Math.max(mel[m], 1e-10));
                out[m][offset + i] = (float) v;
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** Clamps at {@code max - 8} and maps to {@code (x + 4) / 4}, in place. */
    public static void finish(float[][] logMel, double max) {
        for (float[] row : logMel) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) ((Math.max(row[i], max - 8.0) + 4.0) / 4.0);
            }
        }
    }

    /** The same transform on one value. */
    public static float finish(float logValue, double max) {
        return (float) ((Math.max(logValue, max - 8.0) + 4.0) / 4.0);
    }
}
