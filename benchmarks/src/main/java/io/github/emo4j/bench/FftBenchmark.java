package io.github.emo4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.jtransforms.fft.DoubleFFT_1D;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FFT choice for the STFT: JTransforms' real transform at whisper's size (400) and at 512,
 * against commons-math3's complex transform, which needs a power of two (512) and allocates a
 * {@code Complex[]} per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class FftBenchmark {

    private double[] frame400;
    private double[] frame512;
    private double[] work400;
    private double[] work512;
    private DoubleFFT_1D jt400;
    private DoubleFFT_1D jt512;
    private FastFourierTransformer cm;

    @Setup
    public void setUp() {
        Random rnd = new Random(3);
        frame400 = new double[400];
        frame512 = new double[512];
        for (int i = 0; i < 512; i++) {
            frame512[i] = rnd.nextGaussian();
            if (i < 400) {
                frame400[i] = frame512[i];
            }
        }
        work400 = new double[400];
        work512 = new double[512];
        jt400 = new DoubleFFT_1D(400);
        jt512 = new DoubleFFT_1D(512);
        cm = new FastFourierTransformer(DftNormalization.STANDARD);
    }

    @Benchmark
    public double[] jtransforms400() {
        System.arraycopy(frame400, 0, work400, 0, 400);
        jt400.realForward(work400);
        return work400;
    }

    @Benchmark
    public double[] jtransforms512() {
        System.arraycopy(frame512, 0, work512, 0, 512);
        jt512.realForward(work512);
        return work512;
    }

    @Benchmark
    public Complex[] commonsMath512() {
        return cm.transform(frame512, TransformType.FORWARD);
    }
}
