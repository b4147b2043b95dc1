package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.RenderStats;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.testkit.SyntheticFlowPack;
import io.github.emo4j.testkit.SyntheticPack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Orchestration overhead at realistic tensor sizes: a random-weight EMO-class pack at 512 px (latents
 * 4×64×64, clips of 12 frames, 4 motion frames, 768-wide audio features, reference banks of Hallo's
 * widths), DDIM with guidance batched, 6 s of audio (13 clips) on a 640×640 portrait. The teardown prints render
 * wall time over the time during which ONNX Runtime was running (1.0 would mean no cost outside it),
 * and the mean stage breakdown.
 *
 * <p>{@code steps}: EMO's 40, and 4, where the per-frame work (paste-back and H.264) is as large as
 * the denoising. {@code ortThreads}: 0 gives ONNX Runtime every core, so the encoder competes with
 * it for CPU; 1 leaves the decode and encoder threads a core of their own, as when the model runs on
 * an accelerator.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class SyntheticPackBenchmark {

    @Param({"40", "4"})
    public int steps;

    @Param({"0", "1"})
    public int ortThreads;

    /**
     * {@code unet}: the EMO-class pack above. {@code flow}: a random-weight pack in the flow layout at
     * Wan2.2-S2V's per-latent shapes (16 × 64 × 64 latents of a causal 3-D VAE, 4 frames a latent), clips
     * of 48 frames at 16 fps (12 latents), 73 motion frames (19 latents) encoded again every clip, Wan's
     * UniPC with guidance batched: 6 s of audio are 2 clips.
     */
    @Param({"unet"})
    public String family;

    /** Seconds of voice: 6 makes 13 clips of the UNet pack and 2 of the flow pack; 24, 8 of the flow pack's. */
    @Param({"6"})
    public int seconds;

    /** The flow pack's VAE: {@code whole} (a graph a direction) or {@code chunked} (one latent frame a call, caches passed). */
    @Param({"whole"})
    public String vae;

    /**
     * Where the frames go: {@code mp4}, a file render with H.264 and AAC; {@code frames}, a sink that
     * takes each pasted-back frame as a caller who encodes itself does (a live session's raw frames),
     * so that the ratio is the orchestration's alone, without the encoder's CPU on this machine's cores.
     */
    @Param({"mp4"})
    public String output;

    private EmoPipeline pipeline;
    private Path packDir;
    private RenderRequest request;
    private Path out;
    private double ratioSum;
    private double wallSum;
    private double ortSum;
    private int runs;
    private boolean measuring;
    private final Map<String, Double> stageSums = new TreeMap<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        packDir = Files.createTempDirectory("emo-synth-pack");
        if (family.equals("flow")) {
            SyntheticFlowPack flow = new SyntheticFlowPack(512, 48, 73, 768, 32, 1);
            (vae.equals("chunked") ? flow.withChunkedVae() : flow).source().writeTo(packDir);
        } else {
            new SyntheticPack(512, 12, 4, 768, 32, 1.0, 1).source().writeTo(packDir);
        }
        pipeline = EmoPipeline.builder().pack(packDir).threads(ortThreads).build();
        float[] s = new float[16000 * seconds];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        BufferedImage img = new BufferedImage(640, 640, BufferedImage.TYPE_INT_RGB);
        request = RenderRequest.builder(img, new AudioClip(s, 16000)).face(new FaceBox(192, 160, 256, 256)).steps(steps).build();
        out = Files.createTempDirectory("emo-synth").resolve("s.mp4");
    }

    /** Warm-up renders are left out of the printed means: they hold the JIT's and ONNX Runtime's first-run costs. */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Benchmark
    public RenderStats render() {
        RenderStats st = output.equals("frames") ? pipeline.render(request, (w, h, fps) -> new KeptFrames(w * h))
                : pipeline.render(request, out).stats();
        if (!measuring) {
            return st;
        }
        ratioSum += st.overheadRatio();
        wallSum += st.wallNanos() / 1e9;
        ortSum += st.onnxNanos() / 1e9;
        st.stageNanos().forEach((k, v) -> stageSums.merge(k, v / 1e9, Double::sum));
        runs++;
        return st;
    }

    /** Keeps the last frame, copied, as a caller that hands frames on does. */
    private static final class KeptFrames implements io.github.emo4j.video.FrameSink {
        private final int[] last;
        private long sum;

        KeptFrames(int size) {
            last = new int[size];
        }

        @Override
        public void accept(int[] rgb) {
            System.arraycopy(rgb, 0, last, 0, last.length);
            sum += last[last.length / 2];
        }

        @Override
        public void finish() {
        }

        @Override
        public void close() {
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pipeline.close();
        try (var files = Files.list(packDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(packDir);
        Files.deleteIfExists(out);
        Files.deleteIfExists(out.getParent());
        System.out.printf("%n%s pack%s, %d s of voice, steps %d, ONNX Runtime threads %d, output %s: wall / ONNX Runtime "
                + "time: %.4f (mean of %d renders: %.2f s wall, %.2f s in ONNX Runtime)%n", family,
                family.equals("flow") ? " (VAE " + vae + ")" : "", seconds, steps, ortThreads, output,
                ratioSum / runs, runs, wallSum / runs, ortSum / runs);
        // the fork's peak resident memory: with a longer voice it must not grow (more clips, the same buffers)
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                System.out.println("peak resident memory of this fork: " + line.substring(6).strip());
            }
        }
        StringBuilder b = new StringBuilder("mean stages (s):");
        stageSums.forEach((k, v) -> b.append(String.format(" %s=%.3f", k, v / runs)));
        System.out.println(b);
    }
}
