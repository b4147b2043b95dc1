package io.github.emo4j.audio;

/**
 * Triangular mel filters on the Slaney mel scale with Slaney (area) normalisation: the filters
 * librosa builds with {@code htk=False, norm="slaney"}, which whisper ships as {@code mel_filters.npz}.
 */
final class MelFilterBank {

    private final int mels;
    private final int bins;
    private final double[][] weights;
    private final int[] first;
    private final int[] last;

    /**
     * Slaney-normalised triangular filters on the mel scale, as librosa builds them.
     *
     * @param sampleRate samples per second of the analysed signal
     * @param nFft       FFT size
     * @param mels       number of bands
     * @param fMin       lowest frequency, Hz
     * @param fMax       highest frequency, Hz
     */
    public MelFilterBank(int sampleRate, int nFft, int mels, double fMin, double fMax) {
        this.mels = mels;
        this.bins = nFft / 2 + 1;
        double[] fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) {
            fftFreqs[k] = k * (sampleRate / 2.0) / (bins - 1);
        }
        double lo = hzToMel(fMin), hi = hzToMel(fMax);
        double[] melF = new double[mels + 2];
        for (int i = 0; i < mels + 2; i++) {
            melF[i] = melToHz(lo + (hi - lo) * i / (mels + 1));
        }
        weights = new double[mels][bins];
        first = new int[mels];
        last = new int[mels];
        for (int m = 0; m < mels; m++) {
            double left = melF[m], centre = melF[m + 1], right = melF[m + 2];
            double norm = 2.0 / (right - left);
            first[m] = bins;
            for (int k = 0; k < bins; k++) {
                double lower = (fftFreqs[k] - left) / (centre - left);
                double upper = (right - fftFreqs[k]) / (right - centre);
                double w = Math.max(0, Math.min(lower, upper)) * norm;
                weights[m][k] = w;
                if (w > 0) {
                    first[m] = Math.min(first[m], k);
                    last[m] = k;
                }
            }
        }
    }

    /**
     * Slaney's mel scale: linear below 1 kHz, logarithmic above.
     *
     * @param hz a frequency
     * @return its mel value
     */
    public static double hzToMel(double hz) {
        double fSp = 200.0 / 3;
        double minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
        return hz < minLogHz ? hz / fSp : minLogMel + Math.log(hz / minLogHz) / logStep;
    }

    /**
     * The inverse of {@link #hzToMel}.
     *
     * @param mel a mel value
     * @return its frequency, Hz
     */
    public static double melToHz(double mel) {
        double fSp = 200.0 / 3;
        double minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
        return mel < minLogMel ? fSp * mel : minLogHz * Math.exp(logStep * (mel - minLogMel));
    }

    /**
     * Number of bands.
     *
     * @return the band count
     */
    public int mels() {
        return mels;
    }

    /**
     * FFT bins each filter spans.
     *
     * @return {@code nFft/2 + 1}
     */
    public int bins() {
        return bins;
    }

    /**
     * Filter weight of mel band {@code m} at FFT bin {@code k}.
     *
     * @param m the band
     * @param k the bin
     * @return the weight
     */
    public double weight(int m, int k) {
        return weights[m][k];
    }

    /**
     * Applies the filters to one power spectrum.
     *
     * @param power {@link #bins()} power values
     * @param out   where the {@link #mels()} band energies go
     */
    public void apply(double[] power, double[] out) {
        for (int m = 0; m < mels; m++) {
            double s = 0;
            double[] w = weights[m];
            for (int k = first[m]; k <= last[m]; k++) {
                s += w[k] * power[k];
            }
            out[m] = s;
        }
    }
}
