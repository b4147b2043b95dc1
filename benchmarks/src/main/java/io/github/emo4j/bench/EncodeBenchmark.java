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
 * H.264 encoding throughput of {@link Mp4Writer} at its default quality: one operation encodes
 * {@value #FRAMES} frames in two groups of 25 pictures on 1 or 2 encoding threads, so frames per second =
 * ops/s × {@value #FRAMES}. {@code content}: {@code scroll}, a textured picture moving by a pixel a frame
 * (every macroblock changes), or {@code talking}, the same picture still but for a disc of a sixth of the
 * area that sways and changes (what a talking-head render gives the encoder).
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

    @Param({"scroll", "talking"})
    public String content;

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
                int x = i % size, y = i / size;
                int dx = x - size / 2, dy = y - size / 2;
                boolean moves = content.equals("scroll") || dx * dx + dy * dy < size * size / 19;
                int shift = content.equals("scroll") ? f : (int) Math.round(3 * Math.sin(f * 0.4));
                frames[f][i] = moves ? base[y * size + Math.floorMod(x + shift, size)] ^ (f % 3 == 0 ? 0x101010 : 0) : base[i];
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
        try (Mp4Writer w = new Mp4Writer(out, size, size, 25, 1, null, 0, EncodingOptions.DEFAULT.withThreads(threads).withKeyInterval(25))) {
            for (int[] f : frames) {
                w.accept(f);
            }
            w.finish();
        }
        return Files.size(out);
    }
}
