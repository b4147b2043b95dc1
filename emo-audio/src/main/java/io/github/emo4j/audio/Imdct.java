package io.github.emo4j.audio;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * The inverse MDCT of AAC's filter bank, {@code x[n] = 2/N Σ X[k] cos(2π/N (n + n0)(k + ½))} with
 * {@code n0 = (N/2 + 1)/2}, through a DCT-IV of N/2 points computed by an N/4-point complex FFT (the
 * even/odd folding and its two twiddles), then unfolded to N outputs.
 */
final class Imdct {
    private final int n;
    private final int half;
    private final FloatFFT_1D fft;
    private final float[] pre;
    private final float[] post;
    private final float[] work;
    private final float[] dct;

    Imdct(int n) {
        this.n = n;
        this.half = n / 2;
        int quarter = n / 4;
        fft = new FloatFFT_1D(quarter);
        pre = new float[2 * quarter];
        post = new float[2 * quarter];
        for (int m = 0; m < quarter; m++) {
            double a = -Math.PI * (m + 0.25) / half, b = -Math.PI * m / half;
            pre[2 * m] = (float) Math.cos(a);
            pre[2 * m + 1] = (float) Math.sin(a);
            post[2 * m] = (float) Math.cos(b);
            post[2 * m + 1] = (float) Math.sin(b);
        }
        work = new float[2 * quarter];
        dct = new float[half];
    }

    /** Writes the {@code n} outputs of the {@code n/2} coefficients at {@code spec[offset..]} to {@code out}. */
    void inverse(float[] spec, int offset, float[] out) {
        int l = half, quarter = n / 4;
        for (int m = 0; m < quarter; m++) {
            float re = spec[offset + 2 * m], im = spec[offset + l - 1 - 2 * m];
            float c = pre[2 * m], s = pre[2 * m + 1];
            work[2 * m] = re * c - im * s;
            work[2 * m + 1] = re * s + im * c;
        }
        fft.complexForward(work);
        for (int m = 0; m < quarter; m++) {
            float re = work[2 * m], im = work[2 * m + 1];
            float c = post[2 * m], s = post[2 * m + 1];
            dct[2 * m] = re * c - im * s;
            dct[l - 1 - 2 * m] = -(re * s + im * c);
        }
        float scale = 2f / n;
        for (int t = 0; t < n; t++) {
            float v;
            if (t < l / 2) {
                v = dct[l / 2 + t];
            } else if (t < 3 * l / 2) {
                v = -dct[3 * l / 2 - 1 - t];
            } else {
                v = -dct[t - 3 * l / 2];
            }
            out[t] = v * scale;
        }
    }
}
