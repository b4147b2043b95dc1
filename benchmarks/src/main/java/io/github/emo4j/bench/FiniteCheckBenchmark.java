package io.github.emo4j.bench;

import io.github.emo4j.onnx.FloatTensor;
import java.util.concurrent.TimeUnit;
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
 * What the NaN and infinity check on network outputs costs: one pass over one clip of the built-in
 * pack's latents (3 × 12 × 256 × 256 values), against the copy of the same tensor that every sampling
 * step already makes, as a ratio in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class FiniteCheckBenchmark {
    private FloatTensor clip;
    private FloatTensor copy;

    @Setup
    public void setUp() {
        clip = FloatTensor.zeros(3, 12, 256, 256);
        for (int i = 0; i < clip.size(); i++) {
            clip.set(i, (float) Math.sin(i));
        }
        copy = FloatTensor.zeros(3, 12, 256, 256);
    }

    @Benchmark
    public boolean allFinite() {
        return clip.allFinite();
    }

    @Benchmark
    public FloatTensor copyOfTheClip() {
        copy.copyFrom(clip, 0);
        return copy;
    }
}
