package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.MotionControl;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.procedural.ProceduralFlowPack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The flow family end to end on its procedural pack: every flow sampler, the causal 3-D VAE (each clip
 * decoded after its context latent) and the motion latents re-encoded from the video's last frames,
 * against the analytic target computed here in Java from the same formulas.
 */
class FlowOracleTest {
    static final int R = 48, F = 8, N = 5, M = 2, FPS = 25, T = 4;

    @TempDir
    Path dir;

    static Map<String, Object> config(String name) {
        Map<String, Object> c = new LinkedHashMap<>();
        switch (name) {
            case "flow-euler" -> {
                c.put("_class_name", "FlowMatchEulerDiscreteScheduler");
                c.put("shift", 3.0);
            }
            case "wan-unipc", "wan-dpm++" -> {
                c.put("_class_name", name.equals("wan-unipc") ? "FlowUniPCMultistepScheduler" : "FlowDPMSolverMultistepScheduler");
                c.put("shift", 1.0);
                c.put("sample_shift", 3.0);
            }
            case "diffusers-unipc" -> {
                c.put("_class_name", "UniPCMultistepScheduler");
                c.put("prediction_type", "flow_prediction");
                c.put("use_flow_sigmas", true);
                c.put("flow_shift", 3.0);
            }
            default -> throw new IllegalArgumentException(name);
        }
        c.put("num_train_timesteps", 1000.0);
        return c;
    }

    /**
     * The denoiser predicts the flow to the target at the step's σ, which it takes as an input: every
     * flow sampler lands on it, Wan's too, whose timesteps are truncated to integers.
     */
    @ParameterizedTest(name = "{0}, {1} steps, guidance {2}")
    @CsvSource({"flow-euler, 4, 1.0", "flow-euler, 1, 1.0", "flow-euler, 6, 2.5", "diffusers-unipc, 5, 2.5",
            "wan-unipc, 40, 1.0", "wan-unipc, 8, 2.5", "wan-dpm++, 8, 1.0"})
    void everyFlowSamplerLandsOnTheAnalyticTarget(String scheduler, int steps, double guidance) throws Exception {
        double tolerance = 0.01;
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, N, M).withScheduler(config(scheduler)).source(),
                List.of(ExecutionProvider.CPU), 1)) {
            double worst = worstError(pack, new MotionControl(1.5, 1, 1.2), steps, guidance, false);
            System.out.printf("flow oracle %s, %d steps, guidance %.1f: worst error %.5f levels%n", scheduler, steps,
                    guidance, worst);
            assertTrue(worst <= tolerance, "worst pixel error " + worst + " levels, more than " + tolerance);
        }
    }

    /** Wan2.2-S2V's drop_first_motion: the first clip's own graph takes no motion latents, the others lean on them. */
    @Test
    void aFirstClipDenoiserOfItsOwnDropsTheFirstMotion() throws Exception {
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, N, M).withFirstClipDenoiser().source(),
                List.of(ExecutionProvider.CPU), 1)) {
            double worst = worstError(pack, new MotionControl(1.5, 1, 1.2), 3, 2.5, true);
            System.out.printf("flow oracle, first clip without motion: worst error %.5f levels%n", worst);
            assertTrue(worst <= 0.01, "worst pixel error " + worst + " levels");
            assertTrue(worstError(pack, new MotionControl(1.5, 1, 1.2), 3, 2.5, false) > 1,
                    "the first clip's target differs with the motion lean: the first-clip graph was not used");
        }
    }

    /**
     * A VAE exported in chunks of one latent frame, its cache passed from call to call, renders what the
     * whole-clip VAE renders: the motion frames' encode and each clip's decode after its context.
     */
    @Test
    void aVaeInChunksRendersWhatTheWholeClipVaeRenders() throws Exception {
        try (ModelPack whole = ModelPack.load(ProceduralFlowPack.of(R, F, N, M).source(), List.of(ExecutionProvider.CPU), 1);
             ModelPack chunked = ModelPack.load(ProceduralFlowPack.of(R, F, N, M).withChunkedVae().source(),
                     List.of(ExecutionProvider.CPU), 1)) {
            double worst = worstError(chunked, new MotionControl(1.5, 1, 1.2), 4, 2.5, false);
            System.out.printf("flow oracle, VAE in chunks: worst error %.5f levels%n", worst);
            assertTrue(worst <= 0.01, "worst pixel error " + worst + " levels");
            var a = OracleTest.render(whole, dir.resolve("w.mp4"), b -> b.steps(4).guidance(2.5));
            var b = OracleTest.render(chunked, dir.resolve("c.mp4"), x -> x.steps(4).guidance(2.5));
            assertEquals(a.clips().size(), b.clips().size());
            for (int c = 0; c < a.clips().size(); c++) {
                assertArrayEquals(a.clips().get(c), b.clips().get(c), 1e-6f, "clip " + c);
            }
        }
    }

    /**
     * Wan2.2-S2V's start: motion frames of zeros in the VAE's [-1, 1] range (mid-grey here), and the first
     * clip's first 3 frames, decoded right after the portrait's latent, left out of them.
     */
    @Test
    void motionFramesStartGreyAndLeaveOutTheFirstClipsSettlingFrames() throws Exception {
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, 9, M).withS2vMotionStart(4).source(),
                List.of(ExecutionProvider.CPU), 1)) {
            MotionControl motion = new MotionControl(1.5, 1, 1.2);
            // 4, not S2V's 3: the procedural encoder keeps every fourth frame from the end, which 3 left-out
            // frames never reach in clips of 8
            double worst = worstError(pack, motion, 4, 2.5, false, true, 4);
            System.out.printf("flow oracle, grey motion start and 4 settling frames: worst error %.5f levels%n", worst);
            assertTrue(worst <= 0.01, "worst pixel error " + worst + " levels");
            assertTrue(worstError(pack, motion, 4, 2.5, false, true, 0) > 1, "the settling frames were not left out");
            assertTrue(worstError(pack, motion, 4, 2.5, false, false, 4) > 1, "the motion frames did not start grey");
        }
    }

    @Test
    void aFlowPacksClipsAreWholeLatentFrames() throws Exception {
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, N, M).source(), List.of(ExecutionProvider.CPU), 1)) {
            Renderer renderer = new Renderer(pack);
            RenderRequest odd = RenderRequest.builder(OracleTest.portrait(), OracleTest.voice()).face(OracleTest.FACE)
                    .clipFrames(6).build();
            var e = assertThrows(InvalidInputException.class, () -> renderer.render(RenderSpec.of(odd), dir.resolve("a.mp4")));
            assertTrue(e.getMessage().contains("clipFrames 6") && e.getMessage().contains("multiples of 4"), e.getMessage());
            RenderRequest unet = RenderRequest.builder(OracleTest.portrait(), OracleTest.voice()).face(OracleTest.FACE)
                    .scheduler("ddim").build();
            var s = assertThrows(InvalidInputException.class, () -> renderer.render(RenderSpec.of(unet), dir.resolve("b.mp4")));
            assertTrue(s.getMessage().contains("scheduler ddim"), s.getMessage());
            assertFalse(Files.exists(dir.resolve("a.mp4")) || Files.exists(dir.resolve("b.mp4")));
        }
    }

    /** Renders the oracle voice and returns the worst difference from the analytic frames, in 8-bit levels. */
    private double worstError(ModelPack pack, MotionControl motion, int steps, double guidance, boolean dropFirstMotion) {
        return worstError(pack, motion, steps, guidance, dropFirstMotion, false, 0);
    }

    /**
     * The same, for a pack whose motion frames start as zeros of the VAE's [-1, 1] range ({@code greyStart};
     * else the portrait) and leave out the first clip's first {@code settling} frames.
     */
    private double worstError(ModelPack pack, MotionControl motion, int steps, double guidance, boolean dropFirstMotion,
                              boolean greyStart, int settling) {
        int motionFrames = pack.settings().motionFrames();
        BufferedImage img = OracleTest.portrait();
        AudioClip audio = OracleTest.voice();
        FaceBox face = OracleTest.FACE;
        OracleTest.Decoded out = OracleTest.render(pack, dir.resolve("o.mp4"), b -> b.steps(steps).guidance(guidance).motion(motion));
        List<float[]> clips = out.clips();
        List<Integer> valid = out.valid();
        assertEquals(17, out.frames());
        assertEquals(3, clips.size(), "17 frames in clips of 8");

        FaceCrop crop = FaceCrop.around(face, R);
        float[] portrait = crop.extract(img);
        float[] everywhere = new float[R * R];
        Arrays.fill(everywhere, 1f);
        AnalyticTarget target = new AnalyticTarget(portrait, everywhere, R, M);
        float[][] features = AnalyticTarget.features(audio.samples());
        int n = 3 * R * R, latentsPerClip = F / T;
        float[] portraitLatent = latent(portrait);
        // the motion frames in pixels: the portrait repeated (first_motion "reference"), or mid-grey (zeros)
        float[] grey = new float[n];
        Arrays.fill(grey, 0.5f);
        List<float[]> motionPixels = new ArrayList<>();
        for (int k = 0; k < motionFrames; k++) {
            motionPixels.add(greyStart ? grey : portrait);
        }
        double worst = 0;
        for (int c = 0; c < clips.size(); c++) {
            float[][] motionLatents = new float[1 + (motionFrames - 1) / T][];
            for (int j = 0; j < motionLatents.length; j++) {
                motionLatents[j] = latent(motionPixels.get(T * j));
            }
            float[] before = c == 0 ? portraitLatent : motionLatents[motionLatents.length - 1];
            List<float[]> decoded = new ArrayList<>();
            for (int j = 0; j < latentsPerClip; j++) {
                long t = (long) c * F + T * j + T - 1;
                double secs = t / (double) FPS;
                float[] cond = target.frame(target.window(features, t, FPS), secs, motion.pose(), motion.expression(), motion.lip());
                float[][] leanOn = dropFirstMotion && c == 0 ? null : motionLatents;
                AnalyticTarget.applyMotion(cond, leanOn, j);
                float[] x0 = cond;
                if (guidance > 1) {
                    float[] uncond = target.frame(null, secs, motion.pose(), motion.expression(), motion.lip());
                    AnalyticTarget.applyMotion(uncond, leanOn, j);
                    x0 = new float[n];
                    for (int i = 0; i < n; i++) {
                        x0[i] = (float) (uncond[i] + guidance * (cond[i] - uncond[i]));
                    }
                }
                for (int i = 0; i < T; i++) {
                    float w = (i + 1) / (float) T;
                    float[] p = new float[n];
                    for (int v = 0; v < n; v++) {
                        p[v] = (float) Math.max(0, Math.min(1, (before[v] * (1 - w) + x0[v] * w + 1) * 0.5));
                    }
                    decoded.add(p);
                }
                before = x0;
            }
            for (int k = 0; k < valid.get(c); k++) {
                float[] want = decoded.get(k);
                for (int v = 0; v < n; v++) {
                    worst = Math.max(worst, Math.abs(want[v] - clips.get(c)[k * n + v]));
                }
            }
            motionPixels.addAll(c == 0 ? decoded.subList(settling, decoded.size()) : decoded);
            motionPixels = new ArrayList<>(motionPixels.subList(motionPixels.size() - motionFrames, motionPixels.size()));
        }
        return worst * 255;
    }

    /** A frame's pixels as the procedural VAE's latent. */
    private static float[] latent(float[] pixels) {
        float[] z = new float[pixels.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = pixels[i] * 2 - 1;
        }
        return z;
    }
}
