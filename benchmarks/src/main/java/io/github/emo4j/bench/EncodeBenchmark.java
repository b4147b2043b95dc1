package io.github.emo4j.bench;

import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.Mp4Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * H.264 encoding throughput of {@link Mp4Writer}: one operation encodes {@value #FRAMES} frames (two
 * groups of pictures) of a slowly moving textured picture on 1 or 2 encoding threads, so frames per
 * second = ops/s × {@value #FRAMES}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 5)
public class EncodeBenchmark {

    static final int FRAMES = 50;

    @Param({"512", "1024"})
    public int size;

    /** H.264 encoding threads, a group of 25 pictures each. */
    @Param({"1", "2"})
    public int threads;

    private int[][] frames;
    private Path dir;

    @Setup
    public void setUp() throws Exception {
        Random rnd = new Random(5);
        int[] base = new int[size * size];
        for (int i = 0; i < base.length; i++) {
            int x = i % size, y = i / size;
            int v = (int) (128 + 60 * Math.sin(x / 7.0) * Math.cos(y / 11.0)) + rnd.nextInt(16);
            base[i] = Math.min(255, v) << 16 | (x * 255 / size) << 8 | (y * 255 / size);
        }
        frames = new int[FRAMES][];
        for (int f = 0; f < FRAMES; f++) {
            frames[f] = new int[base.length];
            for (int i = 0; i < base.length; i++) {
                int x = (i % size + f) % size;
                frames[f][i] = base[(i / size) * size + x];
            }
        }
        dir = Files.createTempDirectory("emo-encode");
    }

    @TearDown
    public void tearDown() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long encodeOneSecond() throws Exception {
        Path out = dir.resolve("b.mp4");
        try (Mp4Writer w = new Mp4Writer(out, size, size, 25, 1, null, 0, EncodingOptions.DEFAULT.withThreads(threads))) {
            for (int[] f : frames) {
                w.accept(f);
            }
            w.finish();
        }
        return Files.size(out);
    }
}
