package io.github.emo4j.audio;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion by a Kaiser-windowed sinc in polyphase form.
 *
 * <p>The ratio is reduced to {@code up/down}; each of the {@code up} phases has its own precomputed
 * filter, so the inner loop is a plain dot product. When {@code up} is too large to tabulate (rates
 * with no small common divisor), phases are quantised to {@value #MAX_PHASES} steps, a timing error
 * below 1/8192 of an input sample. The cut-off sits just under the lower Nyquist frequency so that
 * nothing above it folds back.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Resampler {

    static final int MAX_PHASES = 4096;
    /** Zero crossings of the sinc on each side: sets the transition width. */
    private static final int ZERO_CROSSINGS = 48;
    /** Kaiser beta for about 100 dB of stop-band attenuation. */
    private static final double BETA = 10.0;
    /** Cut-off as a fraction of the lower Nyquist frequency. */
    private static final double CUTOFF = 0.92;

    private final int inRate;
    private final int outRate;
    private final int phases;
    private final long step;      // input advance per output, in 1/phases of an input sample
    private final int taps;
    private final int halfTaps;
    private final float[][] filters;

    private Resampler(int inRate, int outRate) {
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        int up = outRate / g;
        int down = inRate / g;
        if (up <= MAX_PHASES) {
            phases = up;
            step = down;
        } else {
            phases = MAX_PHASES;
            step = -1; // computed from rates on the fly
        }
        double scale = Math.min(1.0, outRate / (double) inRate) * CUTOFF;
        halfTaps = (int) Math.ceil(ZERO_CROSSINGS / scale);
        taps = 2 * halfTaps;
        filters = new float[phases][taps];
        double i0Beta = besselI0(BETA);
        for (int p = 0; p < phases; p++) {
            double frac = p / (double) phases;
            double sum = 0;
            double[] h = new double[taps];
            for (int k = 0; k < taps; k++) {
                // tap k multiplies input sample (base - halfTaps + 1 + k); distance to the output instant
                double x = (k - halfTaps + 1) - frac;
                double w = x / (halfTaps);
                double win = Math.abs(w) >= 1 ? 0 : besselI0(BETA * Math.sqrt(1 - w * w)) / i0Beta;
                double arg = Math.PI * scale * x;
                double sinc = x == 0 ? 1 : Math.sin(arg) / arg;
                h[k] = scale * sinc * win;
                sum += h[k];
            }
            // Unit DC gain per phase keeps a constant signal exactly constant.
            for (int k = 0; k < taps; k++) {
                filters[p][k] = (float) (h[k] / sum);
            }
        }
    }

    /**
     * A resampler from {@code inRate} to {@code outRate} Hz.
     *
     * @param inRate  input samples per second
     * @param outRate output samples per second
     * @return the resampler, shareable across threads
     */
    public static Resampler of(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("rates must be positive: " + inRate + " -> " + outRate);
        }
        return new Resampler(inRate, outRate);
    }

    /**
     * Number of output samples for a number of input samples.
     *
     * @param inputLength input samples
     * @return output samples
     */
    public long outputLength(long inputLength) {
        return (inputLength * outRate + inRate - 1) / inRate;
    }

    /**
     * Resamples a whole signal; samples beyond either end are taken as zero.
     *
     * @param in the signal
     * @return the resampled signal
     */
    public float[] process(float[] in) {
        long n = outputLength(in.length);
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("output of " + n + " samples is too long for one array");
        }
        float[] out = new float[(int) n];
        int[] written = {0};
        Stream s = stream();
        s.push(in, 0, in.length, (buf, off, len) -> {
            System.arraycopy(buf, off, out, written[0], len);
            written[0] += len;
        });
        s.finish((buf, off, len) -> {
            System.arraycopy(buf, off, out, written[0], len);
            written[0] += len;
        });
        return out;
    }

    /**
     * A new stateful resampler for input that arrives in pieces; its output equals {@link #process}'s.
     *
     * @return the stream, for one thread
     */
    public Stream stream() {
        return new Stream();
    }

    /** Receives resampled output. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes output samples; the array may be reused after this returns.
         *
         * @param samples the array holding them
         * @param offset  the first one
         * @param length  how many
         */
        void accept(float[] samples, int offset, int length);
    }

    /**
     * Resampling of one signal fed in pieces. It keeps only the input the filter still needs, so memory
     * stays bounded whatever the length. Not thread-safe.
     */
    public final class Stream {
        private float[] buf = new float[4096];
        private long bufStart;       // absolute index of buf[0]
        private int bufLen;
        private long received;       // input samples so far
        private long next;           // next output index
        private final float[] out = new float[2048];

        private Stream() {
        }

        /**
         * Adds input and emits every output sample it completes.
         *
         * @param in   the input
         * @param off  the first input sample
         * @param len  how many
         * @param sink where the output goes
         */
        public void push(float[] in, int off, int len, Sink sink) {
            append(in, off, len);
            emit(sink, false);
        }

        /**
         * Ends the input (zeros beyond it) and emits the remaining output.
         *
         * @param sink where the output goes
         */
        public void finish(Sink sink) {
            emit(sink, true);
        }

        private void append(float[] in, int off, int len) {
            if (bufLen + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bufLen + len));
            }
            System.arraycopy(in, off, buf, bufLen, len);
            bufLen += len;
            received += len;
        }

        private void emit(Sink sink, boolean end) {
            long total = end ? outputLength(received) : Long.MAX_VALUE;
            int n = 0;
            while (next < total) {
                long pos = step > 0 ? next * step : Math.round(next * (double) inRate / outRate * phases);
                long base = Math.floorDiv(pos, phases);
                long first = base - halfTaps + 1;
                if (!end && first + taps > received) {
                    break;
                }
                int phase = (int) (pos - base * phases);
                out[n++] = dot(first, filters[phase], end);
                next++;
                if (n == out.length) {
                    sink.accept(out, 0, n);
                    n = 0;
                }
            }
            if (n > 0) {
                sink.accept(out, 0, n);
            }
            // drop input no future output needs
            long nextPos = step > 0 ? next * step : Math.round(next * (double) inRate / outRate * phases);
            long keepFrom = Math.floorDiv(nextPos, phases) - halfTaps + 1;
            int drop = (int) Math.max(0, Math.min(bufLen, keepFrom - bufStart));
            if (drop > 0) {
                System.arraycopy(buf, drop, buf, 0, bufLen - drop);
                bufLen -= drop;
                bufStart += drop;
            }
        }

        private float dot(long first, float[] h, boolean end) {
            double acc = 0;
            long lo = Math.max(first, 0), hi = Math.min(first + taps, received);
            if (lo == first && hi == first + taps) {
                int f = (int) (first - bufStart);
                for (int k = 0; k < taps; k++) {
                    acc += buf[f + k] * h[k];
                }
            } else {
                for (long j = lo; j < hi; j++) {
                    acc += buf[(int) (j - bufStart)] * h[(int) (j - first)];
                }
            }
            return (float) acc;
        }
    }

    private static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
