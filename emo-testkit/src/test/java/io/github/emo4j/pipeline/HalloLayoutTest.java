package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OnnxTensor;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.HeadSpeed;
import io.github.emo4j.MotionControl;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.testkit.SyntheticPack;
import io.github.emo4j.pack.TensorSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hallo's way through the contract: identity tokens whose unconditional half is the projection of
 * zeros, motion frames that pass through the ReferenceNet beside the portrait every clip, the vocal
 * separator in front of the audio encoder; and EMO's speed encoder driven by a head-speed curve.
 */
class HalloLayoutTest {

    @TempDir
    Path dir;

    private static final SyntheticPack EMO = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
    private static final SyntheticPack HALLO = EMO.inHalloLayout();

    private static AudioClip voice(double seconds) {
        float[] s = new float[(int) (16000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.max(0, Math.sin(i / 16000.0 * 6)));
        }
        return new AudioClip(s, 16000);
    }

    private static BufferedImage portrait() {
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x * y) & 0xFF));
            }
        }
        return img;
    }

    private static RenderRequest request() {
        return RenderRequest.builder(portrait(), voice(0.5)).face(new FaceBox(32, 32, 64, 64)).steps(2).seed(3).build();
    }

    @Test
    void halloLayoutRendersWithTheReferenceNetOncePlusOncePerClip() throws Exception {
        try (ModelPack pack = ModelPack.load(HALLO.source(), List.of(ExecutionProvider.CPU), 1)) {
            assertEquals(2, pack.settings().referenceMotionFrames());
            Renderer r = new Renderer(pack);
            long refBefore = pack.component(Role.REFERENCE_NET).runCount();
            long projBefore = pack.component(Role.IMAGE_PROJECTION).runCount();
            Path a = dir.resolve("a.mp4"), b = dir.resolve("b.mp4");
            Renderer.Outcome o = r.render(RenderSpec.of(request()), a);
            r.render(RenderSpec.of(request()), b);
            assertEquals(13, o.frames());
            int clips = 4;
            assertEquals(2 * (1 + clips), pack.component(Role.REFERENCE_NET).runCount() - refBefore,
                    "per render: the portrait once, the motion frames once per clip");
            assertEquals(2 * 2, pack.component(Role.IMAGE_PROJECTION).runCount() - projBefore,
                    "per render: the face, and zeros for the unconditional half");
            assertTrue(o.stats().stageNanos().containsKey("vocal_separation"));
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same bytes");
        }
    }

    @Test
    void banksHoldThePortraitThenTheMotionFramesPerBranch() throws Exception {
        try (ModelPack pack = ModelPack.load(HALLO.source(), List.of(ExecutionProvider.CPU), 1)) {
            List<AutoCloseable> views = new ArrayList<>();
            OrtClock clock = new OrtClock();
            int batch = 2, c = 4, h = 8, f = 4;
            ProducedTensors producers = new ProducedTensors(pack, views, clock, batch, new Tracer(null, batch));
            FloatTensor face = FloatTensor.zeros(1, 3, 32, 32);
            face.fill(0.4f);
            producers.run(Role.IMAGE_ENCODER, Map.of(Contract.FACE_IMAGE, face), 1);
            producers.run(Role.IMAGE_PROJECTION, Map.of(), 1);
            FloatTensor portrait = FloatTensor.zeros(1, c, h, h);
            for (int i = 0; i < portrait.size(); i++) {
                portrait.set(i, (float) Math.sin(i * 0.37));
            }
            producers.run(Role.REFERENCE_NET, Map.of(Contract.REFERENCE_LATENTS, portrait), 1);
            ReferenceMotion motion = new ReferenceMotion(pack, producers, views, clock, new Tracer(null, batch), portrait, batch);
            TensorSpec spec = pack.component(Role.DENOISING_UNET).spec().input("reference_bank_1");
            FloatTensor bank = motion.bankFor(spec);
            FloatTensor own = producers.get("reference_bank_1");
            int per = own.size();
            assertEquals(batch * 3 * per, bank.size());

            FloatTensor latents = FloatTensor.zeros(1, c, f, h, h);
            motion.update(0, latents, true);
            for (int slot = 0; slot < 3; slot++) {
                assertEquals(0f, maxAbs(bank, slot * per, per), "unconditional branch: no reference");
                assertEquals(0f, maxDiff(bank, (3 + slot) * per, own), "first clip: the portrait stands in, slot " + slot);
            }
            for (int i = 0; i < latents.size(); i++) {
                latents.set(i, (float) Math.cos(i * 0.11));
            }
            motion.update(1, latents, true);
            assertEquals(0f, maxDiff(bank, 3 * per, own), "the portrait's slot stays");
            assertTrue(maxDiff(bank, 4 * per, own) > 1e-3, "motion frame 1 now differs from the portrait");
            float[] m1 = new float[per], m2 = new float[per];
            bank.get(4 * per, m1, 0, per);
            bank.get(5 * per, m2, 0, per);
            assertFalse(java.util.Arrays.equals(m1, m2), "the two motion frames differ");

            // identity tokens: the unconditional half is the projection of a zero embedding, not zeros
            TensorSpec tokensSpec = pack.component(Role.DENOISING_UNET).spec().input("face_tokens");
            FloatTensor tokens = producers.forGuidance(producers.get("face_tokens"), tokensSpec);
            float[] zeroProjection;
            FloatTensor zeros = FloatTensor.zeros(1, 64);
            try (OnnxTensor z = zeros.toOnnx()) {
                zeroProjection = pack.component(Role.IMAGE_PROJECTION).runToArray(Map.of("face_embedding", z), "face_tokens");
            }
            int n = zeroProjection.length;
            float worst = 0;
            for (int i = 0; i < n; i++) {
                worst = Math.max(worst, Math.abs(tokens.get(i) - zeroProjection[i]));
            }
            assertEquals(0f, worst, "unconditional tokens = image_projection(zeros)");
            assertTrue(maxAbs(tokens, 0, n) > 0.05, "and those are not zeros");
            assertEquals(0f, maxDiff(tokens, n, producers.get("face_tokens")), "conditional tokens = the face's");
            for (AutoCloseable v : views) {
                v.close();
            }
        }
    }

    @Test
    void theVocalSeparatorIsChunkedWithoutSeams() throws Exception {
        try (ModelPack pack = ModelPack.load(HALLO.source(), List.of(ExecutionProvider.CPU), 1)) {
            AudioClip in = voice(0.77);
            OrtClock clock = new OrtClock();
            AudioClip out = VocalSeparation.vocals(in, pack.component(Role.VOCAL_SEPARATOR), 16000, clock);
            assertEquals(in.length(), out.length());
            double worst = 0;
            for (int i = 0; i < in.length(); i++) {
                worst = Math.max(worst, Math.abs(out.samples()[i] - 0.5 * in.samples()[i]));
            }
            // the stand-in separator halves its input; overlap-added chunks must give exactly that back
            assertTrue(worst < 1e-6, "largest deviation from the separator's gain: " + worst);
            assertTrue(clock.runNanos() > 0 && clock.busyNanos() > 0);
        }
    }

    @Test
    void aHeadSpeedCurveReachesTheSpeedEncoder() throws Exception {
        try (ModelPack pack = ModelPack.load(EMO.source(), List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            Path still = dir.resolve("still.mp4"), constant = dir.resolve("constant.mp4"), curve = dir.resolve("curve.mp4");
            RenderRequest req = request();
            r.render(RenderSpec.of(req.toBuilder().motion(MotionControl.NATURAL.withHeadSpeed(HeadSpeed.constant(1))).build()), constant);
            r.render(RenderSpec.of(req), still);
            r.render(RenderSpec.of(req.toBuilder().motion(MotionControl.NATURAL.withHeadSpeed(HeadSpeed.parse("0:1,0.2:1,0.4:3"))).build()), curve);
            assertArrayEquals(Files.readAllBytes(still), Files.readAllBytes(constant), "no curve means pose throughout");
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(still), Files.readAllBytes(curve)));
            long runs = pack.component(Role.SPEED_ENCODER).runCount();
            assertEquals(3 * 4, runs, "the speed encoder runs once per clip");
        }
    }

    private static float maxAbs(FloatTensor t, int from, int n) {
        float m = 0;
        for (int i = from; i < from + n; i++) {
            m = Math.max(m, Math.abs(t.get(i)));
        }
        return m;
    }

    private static float maxDiff(FloatTensor t, int from, FloatTensor expected) {
        float m = 0;
        for (int i = 0; i < expected.size(); i++) {
            m = Math.max(m, Math.abs(t.get(from + i) - expected.get(i)));
        }
        return m;
    }
}
