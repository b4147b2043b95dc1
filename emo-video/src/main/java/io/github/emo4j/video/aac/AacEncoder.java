package io.github.emo4j.video.aac;

import java.util.ArrayList;
import org.jtransforms.fft.DoubleFFT_1D;
import java.util.List;

/**
 * A mono AAC-LC encoder (ISO/IEC 14496-3) producing ADTS frames of 1024 samples, written for emo4j:
 * sine-window MDCT over 2048 samples with long windows only, one scalefactor per frame chosen for a
 * target signal-to-noise ratio, greedy codebook sectioning, and Huffman coding of scalefactors and
 * spectra. Speech from a portrait animation is the input; this is enough for transparent-sounding
 * speech at moderate bit rates, without psychoacoustics, block switching, TNS or PNS.
 *
 * <p>The first 1024 samples a decoder outputs are its warm-up; {@link #encodeAll} drops the first 1024
 * input samples so that decoded sample {@code n} lines up with input sample {@code n} (the first
 * 21 ms at 48 kHz become silence), and adds a final frame to flush the overlap.
 */
public final class AacEncoder {

    /** Sample rates with the 49-band long-window scalefactor table used here. */
    public static final int[] RATES = {48000, 44100};
    private static final int N = 1024;
    private static final int[] SWB_48 = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 48, 56, 64, 72, 80, 88, 96, 108,
        120, 132, 144, 160, 176, 196, 216, 240, 264, 292, 320, 352, 384, 416, 448, 480, 512, 544, 576, 608, 640, 672,
        704, 736, 768, 800, 832, 864, 896, 928, 1024};
    private static final int BANDS = SWB_48.length - 1;
    private static final int SF_OFFSET = 100;
    private static final int MAX_QUANT = 8191;


    private final int sampleRate;
    private final double snrDb;
    private final float[] window = new float[2 * N];
    private final double[] spectrum = new double[N];
    private final int[] quant = new int[N];
    private final float[] previous = new float[N];
    private final double[] windowed = new double[2 * N];
    private final double[] fft = new double[N];
    private final double[] preTwiddle = new double[N];
    private final double[] postTwiddle = new double[N];
    private final DoubleFFT_1D quarter = new DoubleFFT_1D(N / 2);

    /**
     * @param sampleRate 48000 or 44100
     * @param snrDb      target ratio of signal to quantisation noise, e.g. 30; measured on speech-like
     *                   test signals the decoded SNR lands within a few dB of it
     */
    public AacEncoder(int sampleRate, double snrDb) {
        if (sampleRate != 48000 && sampleRate != 44100) {
            throw new IllegalArgumentException("AAC encoder runs at 48000 or 44100 Hz, not " + sampleRate);
        }
        this.sampleRate = sampleRate;
        // the step rule below errs on the fine side by about 10 dB (measured), so aim that much lower
        this.snrDb = snrDb - 10;
        for (int n = 0; n < 2 * N; n++) {
            window[n] = (float) Math.sin(Math.PI / (2 * N) * (n + 0.5));
        }
        for (int n = 0; n < N / 2; n++) {
            double a = -Math.PI * (4 * n + 1) / (4.0 * N), b = -Math.PI * n / N;
            preTwiddle[2 * n] = Math.cos(a);
            preTwiddle[2 * n + 1] = Math.sin(a);
            postTwiddle[2 * n] = Math.cos(b);
            postTwiddle[2 * n + 1] = Math.sin(b);
        }
    }

    /** Encodes a whole signal in [-1, 1] into ADTS frames, aligned as described above. */
    public List<byte[]> encodeAll(float[] samples) {
        List<byte[]> frames = new ArrayList<>();
        float[] block = new float[N];
        int start = Math.min(N, samples.length);
        for (int pos = start; pos < samples.length + N; pos += N) {
            for (int i = 0; i < N; i++) {
                int j = pos + i;
                block[i] = j < samples.length ? samples[j] : 0f;
            }
            frames.add(encodeFrame(block));
        }
        return frames;
    }

    /** Encodes the next 1024 samples; returns one ADTS frame. */
    public byte[] encodeFrame(float[] pcm) {
        mdct(pcm);
        int sf = chooseScalefactor();
        quantise(sf);
        BitWriter w = new BitWriter();
        for (int i = 0; i < 7; i++) {
            w.write(0, 8); // ADTS header, filled in below
        }
        int maxSfb = BANDS;
        while (maxSfb > 0 && bandMax(maxSfb - 1) == 0) {
            maxSfb--;
        }
        int[] books = new int[maxSfb];
        for (int b = 0; b < maxSfb; b++) {
            books[b] = bestBook(b);
        }
        w.write(0, 3);             // ID_SCE
        w.write(0, 4);             // element_instance_tag
        w.write(sf, 8);            // global_gain
        w.write(0, 1);             // ics_reserved_bit
        w.write(0, 2);             // window_sequence: ONLY_LONG_SEQUENCE
        w.write(0, 1);             // window_shape: sine
        w.write(maxSfb, 6);
        w.write(0, 1);             // predictor_data_present
        writeSections(w, books);
        // scalefactors: one value for the frame, so every coded band repeats it (difference 0)
        for (int b = 0; b < maxSfb; b++) {
            if (books[b] != 0) {
                w.write(AacTables.SF_CODE[60], AacTables.SF_LENGTH[60]);
            }
        }
        w.write(0, 1);             // pulse_data_present
        w.write(0, 1);             // tns_data_present
        w.write(0, 1);             // gain_control_data_present
        for (int b = 0; b < maxSfb; b++) {
            if (books[b] != 0) {
                writeBand(w, b, books[b]);
            }
        }
        w.write(7, 3);             // ID_END
        w.alignToByte();
        byte[] out = w.toBytes();
        writeAdtsHeader(out);
        return out;
    }

    /**
     * The standard's forward MDCT, X[k] = 2 Σ z[n] cos(2π/(2N) (n + n0)(k + ½)) with n0 = (N + 1)/2, in
     * O(N log N): the 2N windowed samples fold into a DCT-IV of size N, computed as a complex FFT of
     * size N/2 between two twiddle passes.
     */
    void mdct(float[] pcm) {
        double[] z = windowed;
        for (int n = 0; n < N; n++) {
            z[n] = previous[n] * 32768.0 * window[n];
            z[N + n] = pcm[n] * 32768.0 * window[N + n];
        }
        System.arraycopy(pcm, 0, previous, 0, N);
        int h = N / 2;
        for (int n = 0; n < h; n++) {
            // the folded sequence u at 2n and N-1-2n, from its two definitions over the halves of [0, N)
            double even = fold(z, 2 * n), odd = fold(z, N - 1 - 2 * n);
            double c = preTwiddle[2 * n], s = preTwiddle[2 * n + 1];
            fft[2 * n] = even * c - odd * s;
            fft[2 * n + 1] = even * s + odd * c;
        }
        quarter.complexForward(fft);
        for (int k = 0; k < h; k++) {
            double re = fft[2 * k], im = fft[2 * k + 1];
            double c = postTwiddle[2 * k], s = postTwiddle[2 * k + 1];
            spectrum[2 * k] = 2 * (re * c - im * s);
            spectrum[N - 1 - 2 * k] = -2 * (re * s + im * c);
        }
    }

    /** The last MDCT's coefficients (for tests). */
    double[] spectrum() {
        return spectrum;
    }

    /** The TDAC fold of 2N samples into N: the input of the DCT-IV the MDCT is. */
    private static double fold(double[] z, int n) {
        return n < N / 2 ? -z[3 * N / 2 - 1 - n] - z[3 * N / 2 + n] : z[n - N / 2] - z[3 * N / 2 - 1 - n];
    }

    /** The scalefactor whose quantisation noise sits {@code snrDb} below the frame's spectral energy. */
    private int chooseScalefactor() {
        double energy = 0, peak = 0;
        for (double x : spectrum) {
            energy += x * x;
            peak = Math.max(peak, Math.abs(x));
        }
        double rms = Math.sqrt(energy / N);
        if (rms < 1e-3) {
            return SF_OFFSET;
        }
        // noise of a uniform quantiser in the x^(3/4) domain, mapped back, is about step²/12 per coefficient
        // with step ≈ 2^(sf'/4) · (4/3)·|q|^(1/3); aim the step at the rms level less the target SNR
        double target = rms * Math.pow(10, -snrDb / 20) * Math.sqrt(12);
        int sf = SF_OFFSET + (int) Math.floor(4 * Math.log(Math.max(target, 1e-9) / 2) / Math.log(2));
        // never let a quantised value exceed what the escape codebook can carry
        while (Math.pow(peak * Math.pow(2, -0.25 * (sf - SF_OFFSET)), 0.75) + 0.4054 > MAX_QUANT) {
            sf++;
        }
        return Math.max(0, Math.min(255, sf));
    }

    private void quantise(int sf) {
        double scale = Math.pow(2, -0.25 * (sf - SF_OFFSET));
        for (int k = 0; k < N; k++) {
            double a = Math.abs(spectrum[k]) * scale;
            int q = (int) (Math.pow(a, 0.75) + 0.4054);
            quant[k] = spectrum[k] < 0 ? -q : q;
        }
    }

    private int bandMax(int b) {
        int m = 0;
        for (int k = SWB_48[b]; k < SWB_48[b + 1]; k++) {
            m = Math.max(m, Math.abs(quant[k]));
        }
        return m;
    }

    /** The codebook that codes band {@code b} in the fewest bits (0 when the band is silent). */
    private int bestBook(int b) {
        int max = bandMax(b);
        if (max == 0) {
            return 0;
        }
        int best = 11, bestBits = Integer.MAX_VALUE;
        for (int cb = 1; cb <= 11; cb++) {
            if (AacTables.LAV[cb] < max && cb != 11) {
                continue;
            }
            int bits = bandBits(b, cb);
            if (bits < bestBits) {
                bestBits = bits;
                best = cb;
            }
        }
        return best;
    }

    private int bandBits(int b, int cb) {
        int bits = 0, dim = AacTables.DIM[cb];
        int[] tuple = new int[dim];
        for (int k = SWB_48[b]; k < SWB_48[b + 1]; k += dim) {
            for (int d = 0; d < dim; d++) {
                int v = quant[k + d];
                tuple[d] = cb == 11 ? Integer.signum(v) * Math.min(Math.abs(v), 16) : v;
                if (AacTables.UNSIGNED[cb] && v != 0) {
                    bits++;
                }
                if (cb == 11 && Math.abs(v) >= 16) {
                    bits += escapeBits(Math.abs(v));
                }
            }
            bits += AacTables.LENGTH[cb][AacTables.index(cb, tuple, 0)];
        }
        return bits;
    }

    private static int escapeBits(int v) {
        int n = 31 - Integer.numberOfLeadingZeros(v); // v in [2^n, 2^(n+1)), n ≥ 4
        return (n - 4) + 1 + n;
    }

    private void writeSections(BitWriter w, int[] books) {
        int b = 0;
        while (b < books.length) {
            int cb = books[b];
            int len = 1;
            while (b + len < books.length && books[b + len] == cb) {
                len++;
            }
            w.write(cb, 4);
            int left = len;
            while (left >= 31) {
                w.write(31, 5);
                left -= 31;
            }
            w.write(left, 5);
            b += len;
        }
    }

    private void writeBand(BitWriter w, int b, int cb) {
        int dim = AacTables.DIM[cb];
        int[] tuple = new int[dim];
        for (int k = SWB_48[b]; k < SWB_48[b + 1]; k += dim) {
            for (int d = 0; d < dim; d++) {
                int v = quant[k + d];
                tuple[d] = cb == 11 ? Integer.signum(v) * Math.min(Math.abs(v), 16) : v;
            }
            int i = AacTables.index(cb, tuple, 0);
            w.write(AacTables.CODE[cb][i], AacTables.LENGTH[cb][i]);
            if (AacTables.UNSIGNED[cb]) {
                for (int d = 0; d < dim; d++) {
                    if (quant[k + d] != 0) {
                        w.write(quant[k + d] < 0 ? 1 : 0, 1);
                    }
                }
            }
            if (cb == 11) {
                for (int d = 0; d < dim; d++) {
                    int a = Math.abs(quant[k + d]);
                    if (a >= 16) {
                        int n = 31 - Integer.numberOfLeadingZeros(a);
                        for (int i2 = 0; i2 < n - 4; i2++) {
                            w.write(1, 1);
                        }
                        w.write(0, 1);
                        w.write(a - (1 << n), n);
                    }
                }
            }
        }
    }

    private void writeAdtsHeader(byte[] f) {
        int len = f.length;
        int freqIndex = sampleRate == 48000 ? 3 : 4;
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF1;                                   // MPEG-4, layer 0, no CRC
        f[2] = (byte) ((1 << 6) | (freqIndex << 2) | 0);      // profile AAC LC (1), frequency, private 0, channels high bit 0
        f[3] = (byte) ((1 << 6) | (len >> 11 & 0x3));         // channel configuration 1 (mono), frame length high bits
        f[4] = (byte) (len >> 3 & 0xFF);
        f[5] = (byte) ((len & 0x7) << 5 | 0x1F);              // buffer fullness 0x7FF (variable rate)
        f[6] = (byte) 0xFC;                                   // buffer fullness low bits, one raw data block
    }

    public int sampleRate() {
        return sampleRate;
    }
}
