package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.Video;
import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code ./emo demo} does, timed: the bundled 12.2 s sample rendered with the built-in pack at its
 * defaults. Divide the score by the audio's duration for the realtime factor (seconds of rendering per
 * second of audio); the teardown prints it, together with wall time over time inside ONNX Runtime.
 *
 * <p>Run from the repository root: {@code benchmarks/run.sh DemoRenderBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class DemoRenderBenchmark {

    private EmoPipeline pipeline;
    private RenderRequest request;
    private Path out;
    private double audioSeconds;
    private double totalWall;
    private double totalRatio;
    private int runs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path samples = Path.of(System.getProperty("emo.samples", "samples"));
        BufferedImage portrait = EmoPipeline.readPortrait(samples.resolve("portrait-astronaut.png"));
        AudioClip audio = EmoPipeline.readAudio(samples.resolve("speech-sample.wav"));
        audioSeconds = audio.durationSeconds();
        request = RenderRequest.of(portrait, audio);
        pipeline = EmoPipeline.builder().build();
        out = Files.createTempDirectory("emo-bench").resolve("demo.mp4");
    }

    @Benchmark
    public Video renderDemo() {
        Video o = pipeline.render(request, out);
        totalWall += o.stats().wallNanos() / 1e9;
        totalRatio += o.stats().overheadRatio();
        runs++;
        return o;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pipeline.close();
        Files.deleteIfExists(out);
        System.out.printf("%nrealtime factor: %.3f s of rendering per s of audio (%.1f s audio, mean of %d renders); "
                + "wall / ONNX Runtime time: %.3f%n", totalWall / runs / audioSeconds, audioSeconds, runs, totalRatio / runs);
    }
}
