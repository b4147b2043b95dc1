package io.github.emo4j.audio;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-time Fourier transform with a periodic Hann window, usable both ways: {@link #forward} gives
 * the complex spectrum of one frame, {@link #inverse} turns a spectrum back into a windowed frame for
 * overlap-add. The FFT is JTransforms' mixed-radix transform, so sizes need not be powers of two
 * (whisper's is 400). An instance keeps work arrays and is not thread-safe; make one per thread.
 */
final class Stft {

    private final int nFft;
    private final DoubleFFT_1D fft;
    private final double[] window;
    private final double[] work;

    /**
     * An STFT of size {@code nFft} with a periodic Hann window.
     *
     * @param nFft the FFT size, even
     * @throws IllegalArgumentException if {@code nFft} is odd or below 2
     */
    public Stft(int nFft) {
        if (nFft < 2 || nFft % 2 != 0) {
            throw new IllegalArgumentException("FFT size must be even and at least 2: " + nFft);
        }
        this.nFft = nFft;
        this.fft = new DoubleFFT_1D(nFft);
        this.window = new double[nFft];
        for (int i = 0; i < nFft; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / nFft); // periodic: the period is nFft
        }
        this.work = new double[nFft];
    }

    /**
     * The FFT size.
     *
     * @return {@code nFft}
     */
    public int size() {
        return nFft;
    }

    /**
     * Number of frequency bins.
     *
     * @return {@code nFft/2 + 1}
     */
    public int bins() {
        return nFft / 2 + 1;
    }

    /**
     * The periodic Hann window.
     *
     * @return a copy of the window
     */
    public double[] window() {
        return window.clone();
    }

    /**
     * Spectrum of the windowed frame {@code x[from .. from+nFft)}.
     *
     * @param x    the signal
     * @param from the frame's first sample
     * @param re   where the {@link #bins()} real parts go
     * @param im   where the {@link #bins()} imaginary parts go
     */
    public void forward(double[] x, int from, double[] re, double[] im) {
        for (int i = 0; i < nFft; i++) {
            work[i] = x[from + i] * window[i];
        }
        fft.realForward(work);
        re[0] = work[0];
        im[0] = 0;
        re[nFft / 2] = work[1];
        im[nFft / 2] = 0;
        for (int k = 1; k < nFft / 2; k++) {
            re[k] = work[2 * k];
            im[k] = work[2 * k + 1];
        }
    }

    /**
     * Power spectrum {@code |X_k|²} of the windowed frame at {@code from}.
     *
     * @param x    the signal
     * @param from the frame's first sample
     * @param out  where the {@link #bins()} powers go
     */
    public void power(double[] x, int from, double[] out) {
        for (int i = 0; i < nFft; i++) {
            work[i] = x[from + i] * window[i];
        }
        fft.realForward(work);
        out[0] = work[0] * work[0];
        out[nFft / 2] = work[1] * work[1];
        for (int k = 1; k < nFft / 2; k++) {
            out[k] = work[2 * k] * work[2 * k] + work[2 * k + 1] * work[2 * k + 1];
        }
    }

    /**
     * The windowed time frame of a spectrum ({@code re}, {@code im} as {@link #forward} gives them),
     * written to {@code out[0 .. nFft)}: overlap-add these and divide by the summed squared windows.
     *
     * @param re  the real parts
     * @param im  the imaginary parts
     * @param out where the frame goes
     */
    public void inverse(double[] re, double[] im, double[] out) {
        work[0] = re[0];
        work[1] = re[nFft / 2];
        for (int k = 1; k < nFft / 2; k++) {
            work[2 * k] = re[k];
            work[2 * k + 1] = im[k];
        }
        fft.realInverse(work, true);
        for (int i = 0; i < nFft; i++) {
            out[i] = work[i] * window[i];
        }
    }

    /**
     * {@code x} with {@code pad} samples of reflection on each side (the edge sample itself is not
     * repeated), as {@code torch.stft(center=True, pad_mode="reflect")} pads.
     *
     * @param x   the signal
     * @param pad samples added at each end
     * @return the padded signal
     */
    public static double[] reflectPad(float[] x, int pad) {
        if (x.length <= pad) {
            throw new IllegalArgumentException("signal of " + x.length + " samples is too short to reflect-pad by " + pad);
        }
        double[] out = new double[x.length + 2 * pad];
        for (int i = 0; i < x.length; i++) {
            out[pad + i] = x[i];
        }
        for (int i = 0; i < pad; i++) {
            out[pad - 1 - i] = x[i + 1];
            out[pad + x.length + i] = x[x.length - 2 - i];
        }
        return out;
    }
}
