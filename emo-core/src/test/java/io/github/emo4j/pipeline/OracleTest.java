package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.MotionControl;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.procedural.ProceduralPack;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline against the procedural pack's analytic answer: audio conditioning, reference and
 * face locator, clip chaining with motion frames, DDIM, guidance and decoding must reproduce, frame by
 * frame, the target computed independently in {@link AnalyticTarget}.
 */
class OracleTest {

    static final int R = 48, F = 6, N = 2, M = 2, FPS = 25;
    static ModelPack pack;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        pack = ModelPack.load(ProceduralPack.of(R, F, N, M).source(), List.of(ExecutionProvider.CPU), 1);
    }

    @AfterAll
    static void close() {
        pack.close();
    }

    static BufferedImage portrait() {
        BufferedImage img = new BufferedImage(160, 150, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(11);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 160; x++) {
                int r = (int) (128 + 100 * Math.sin(x / 9.0) * Math.cos(y / 13.0)) + rnd.nextInt(20) - 10;
                int g = (int) (120 + 90 * Math.cos((x + y) / 11.0)) + rnd.nextInt(20) - 10;
                int b = (x * 2 + y) & 0xFF;
                img.setRGB(x, y, clamp(r) << 16 | clamp(g) << 8 | clamp(b));
            }
        }
        return img;
    }

    /** 0.68 s of 16 kHz "speech": syllable-like bursts with pauses, 17 frames = clips of 6, 6 and 5. */
    static AudioClip voice() {
        int n = 10880;
        float[] s = new float[n];
        Random rnd = new Random(4);
        for (int i = 0; i < n; i++) {
            double env = Math.max(0, Math.sin(i / 16000.0 * 2 * Math.PI * 3.3));
            s[i] = (float) (env * (0.4 * Math.sin(i * 0.09) + 0.1 * rnd.nextGaussian()));
        }
        return new AudioClip(s, 16000);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    @ParameterizedTest(name = "{0} steps, guidance {1}")
    @CsvSource({"1, 1.0", "4, 1.0", "20, 1.0", "1, 2.5", "4, 2.5", "20, 2.5"})
    void framesEqualTheAnalyticTarget(int steps, double guidance) {
        framesEqualTheAnalyticTarget(steps, guidance, null);
    }

    /**
     * The pack's denoiser predicts the exact noise, so every deterministic sampler must land on the
     * target: switching the algorithm on the pack's schedule changes the path, not the answer.
     */
    @ParameterizedTest(name = "{0}, {1} steps")
    @CsvSource({"euler, 5", "dpm++2m, 5", "dpm++2m-karras, 7", "ddim, 3"})
    void otherSchedulersReachTheSameTarget(String scheduler, int steps) {
        framesEqualTheAnalyticTarget(steps, 2.5, scheduler);
    }

    private void framesEqualTheAnalyticTarget(int steps, double guidance, String scheduler) {
        framesEqualTheAnalyticTarget(pack, R, F, N, new MotionControl(1.5, 1, 1.2), steps, guidance, scheduler);
    }

    /**
     * At the largest motion scales the swayed mouth reaches farthest: the denoiser, which samples the
     * mouth's interior only in a window computed from that reach, must still equal the target computed
     * everywhere, at a resolution where the window is smaller than the animated box.
     */
    @Test
    void theLargestMotionStaysInsideTheDenoisersWindows() {
        try (ModelPack large = ModelPack.load(ProceduralPack.of(128, 6, 2, M).source(), List.of(ExecutionProvider.CPU), 1)) {
            framesEqualTheAnalyticTarget(large, 128, 6, 2, new MotionControl(4, 4, 4), 2, 1.0, null);
        }
    }

    /** The face every oracle render uses, given rather than detected. */
    static final FaceBox FACE = new FaceBox(50, 40, 60, 60);

    /** What an oracle render decoded: each clip's frames before paste-back, and how many lie in the video. */
    record Decoded(List<float[]> clips, List<Integer> valid, long frames) {
    }

    /** Renders the oracle portrait and voice on {@code pack} to {@code out}, seed 123, with the request's {@code options}. */
    static Decoded render(ModelPack pack, Path out, java.util.function.UnaryOperator<RenderRequest.Builder> options) {
        Renderer renderer = new Renderer(pack);
        List<float[]> clips = new ArrayList<>();
        List<Integer> valid = new ArrayList<>();
        renderer.observe((clip, pixels, v) -> {
            clips.add(pixels);
            valid.add(v);
        });
        RenderRequest req = options.apply(RenderRequest.builder(portrait(), voice()).face(FACE).seed(123)).build();
        Renderer.Outcome done = renderer.render(RenderSpec.of(req), out);
        return new Decoded(clips, valid, done.frames());
    }

    private void framesEqualTheAnalyticTarget(ModelPack pack, int R, int F, int N, MotionControl motion, int steps,
                                              double guidance, String scheduler) {
        BufferedImage img = portrait();
        AudioClip audio = voice();
        FaceBox face = FACE;
        Decoded out = render(pack, dir.resolve("o.mp4"), b -> b.steps(steps).guidance(guidance).motion(motion).scheduler(scheduler));
        List<float[]> clips = out.clips();
        List<Integer> valid = out.valid();
        assertEquals(17, out.frames());
        assertEquals((17 + F - 1) / F, clips.size(), "clips");

        FaceCrop crop = FaceCrop.around(face, R);
        AnalyticTarget target = new AnalyticTarget(crop.extract(img), crop.regionMask(), R, M);
        float[][] features = AnalyticTarget.features(audio.samples());
        int n = 3 * R * R;
        float[][] motionFrames = null;
        double worst = 0;
        for (int c = 0; c < clips.size(); c++) {
            float[][] latents = new float[F][];
            for (int k = 0; k < F; k++) {
                long t = (long) c * F + k;
                double secs = t / (double) FPS;
                float[] cond = target.frame(target.window(features, t, FPS), secs, motion.pose(), motion.expression(), motion.lip());
                AnalyticTarget.applyMotion(cond, motionFrames, k);
                float[] x0 = cond;
                if (guidance > 1) {
                    float[] uncond = target.frame(null, secs, motion.pose(), motion.expression(), motion.lip());
                    AnalyticTarget.applyMotion(uncond, motionFrames, k);
                    x0 = new float[n];
                    for (int i = 0; i < n; i++) {
                        x0[i] = (float) (uncond[i] + guidance * (cond[i] - uncond[i]));
                    }
                }
                latents[k] = x0;
                if (k < valid.get(c)) {
                    for (int i = 0; i < n; i++) {
                        double expected = Math.max(0, Math.min(1, (x0[i] + 1) / 2));
                        worst = Math.max(worst, Math.abs(expected - clips.get(c)[k * n + i]));
                    }
                }
            }
            motionFrames = new float[N][];
            for (int j = 0; j < N; j++) {
                motionFrames[j] = latents[F - N + j];
            }
        }
        System.out.println("oracle " + (scheduler == null ? "" : scheduler + " ") + steps + " steps guidance " + guidance
                + ": worst error " + worst * 255 + " levels");
        assertTrue(worst <= 2.0 / 255, "worst pixel error " + worst * 255 + " levels");
    }

    /**
     * Context windows (EchoMimic's alternative to motion frames): clips of 6 overlapping by 2. Each clip
     * reaches the analytic target of its own frames, so the cross-faded overlap must equal it too, and
     * every frame must be emitted exactly once.
     */
    @ParameterizedTest(name = "context windows, {0} steps, guidance {1}")
    @CsvSource({"1, 1.0", "4, 2.5"})
    void contextWindowsCrossFadeToTheTarget(int steps, double guidance) {
        try (ModelPack overlapping = ModelPack.load(ProceduralPack.of(R, F, N, M).withContextOverlap(2).source(),
                List.of(ExecutionProvider.CPU), 1)) {
            BufferedImage img = portrait();
            AudioClip audio = voice();
            FaceBox face = new FaceBox(50, 40, 60, 60);
            Renderer renderer = new Renderer(overlapping);
            List<float[]> clips = new ArrayList<>();
            List<Integer> emitted = new ArrayList<>();
            renderer.observe((clip, pixels, n) -> {
                clips.add(pixels);
                emitted.add(n);
            });
            Renderer.Outcome out = renderer.render(RenderSpec.of(RenderRequest.builder(img, audio).face(face).steps(steps)
                    .guidance(guidance).seed(5).build()), dir.resolve("ctx.mp4"));
            assertEquals(17, out.frames());
            assertEquals(4, clips.size(), "17 frames in clips of 6 with stride 4");
            assertEquals(17, emitted.stream().mapToInt(Integer::intValue).sum());
            FaceCrop crop = FaceCrop.around(face, R);
            AnalyticTarget target = new AnalyticTarget(crop.extract(img), crop.regionMask(), R, M);
            float[][] features = AnalyticTarget.features(audio.samples());
            int n = 3 * R * R;
            double worst = 0;
            for (int c = 0; c < clips.size(); c++) {
                for (int k = 0; k < emitted.get(c); k++) {
                    long t = (long) c * (F - 2) + k;
                    double secs = t / (double) FPS;
                    float[] cond = target.frame(target.window(features, t, FPS), secs, 1, 1, 1);
                    float[] x0 = cond;
                    if (guidance > 1) {
                        float[] uncond = target.frame(null, secs, 1, 1, 1);
                        x0 = new float[n];
                        for (int i = 0; i < n; i++) {
                            x0[i] = (float) (uncond[i] + guidance * (cond[i] - uncond[i]));
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        double expected = Math.max(0, Math.min(1, (x0[i] + 1) / 2));
                        worst = Math.max(worst, Math.abs(expected - clips.get(c)[k * n + i]));
                    }
                }
            }
            assertTrue(worst <= 2.0 / 255, "worst pixel error " + worst * 255 + " levels");
        }
    }

    /**
     * The procedural pack's reference features are not batched, so its reference-only branch equals the
     * unconditional one and separate guidance must reduce exactly to plain guidance at the audio scale.
     */
    @Test
    void separateGuidanceReducesToPlainGuidanceWithoutABatchedReference() {
        RenderRequest base = RenderRequest.builder(portrait(), voice()).face(new FaceBox(50, 40, 60, 60)).steps(4)
                .guidance(2.5).seed(9).build();
        List<float[]> plain = new ArrayList<>(), split = new ArrayList<>();
        Renderer r = new Renderer(pack);
        r.observe((clip, pixels, v) -> plain.add(pixels));
        r.render(RenderSpec.of(base), dir.resolve("plain.mp4"));
        r.observe((clip, pixels, v) -> split.add(pixels));
        r.render(RenderSpec.of(base.toBuilder().referenceGuidance(1.7).build()), dir.resolve("split.mp4"));
        assertEquals(plain.size(), split.size());
        double worst = 0;
        for (int c = 0; c < plain.size(); c++) {
            for (int i = 0; i < plain.get(c).length; i++) {
                worst = Math.max(worst, Math.abs(plain.get(c)[i] - split.get(c)[i]));
            }
        }
        assertTrue(worst <= 1.0 / 255, "worst difference " + worst * 255 + " levels");
    }
}
