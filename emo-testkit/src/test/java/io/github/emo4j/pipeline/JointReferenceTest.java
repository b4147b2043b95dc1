package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OnnxTensor;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.PackException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.TracedTensor;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.testkit.SyntheticPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ReferenceNet run as Hallo runs it ({@code "reference_batch": "joint"}): once per clip on both
 * branches' portrait and motion frames, the two token sets repeated over the six images by the graph.
 * The banks the denoiser receives are checked against the ReferenceNet run image by image, each with
 * the token set Hallo's order pairs it with: uncond, cond, uncond, cond, uncond, cond.
 */
class JointReferenceTest {

    @TempDir
    Path dir;

    private static final SyntheticPack JOINT = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).inLayout(SyntheticPack.Layout.HALLO_JOINT);

    private static RenderRequest request(Map<String, TracedTensor> traced) {
        return SmallInputs.request(0.5, 3).toBuilder().trace(t -> traced.put(t.name(), t)).build();
    }

    @Test
    void eachImageReadsTheTokensHallosOrderPairsItWith() throws Exception {
        try (ModelPack pack = ModelPack.load(JOINT.source(), List.of(ExecutionProvider.CPU), 1)) {
            Map<String, TracedTensor> traced = new ConcurrentHashMap<>();
            long before = pack.component(Role.REFERENCE_NET).runCount();
            Renderer.Outcome out = new Renderer(pack).render(RenderSpec.of(request(traced)), dir.resolve("joint.mp4"));
            int clips = (int) ((out.frames() + 3) / 4);
            assertTrue(clips >= 3, "clips " + clips);
            assertEquals(clips, pack.component(Role.REFERENCE_NET).runCount() - before, "one joint pass per clip, none per render");

            float[][] tokenSets = {traced.get("render/face_tokens.zero_input").values(), traced.get("render/face_tokens").values()};
            int[] hallo = {0, 1, 0, 1, 0, 1};
            for (int clip = 0; clip < clips; clip++) {
                String c = String.format("clip-%04d/", clip);
                float[] latents = traced.get(c + "reference_latents").values();
                int per = latents.length / 6;
                for (int l = 0; l < 4; l++) {
                    TracedTensor bank = traced.get(c + "reference_bank_" + l);
                    assertNotNull(bank, c + "reference_bank_" + l);
                    int rows = bank.values().length / 6;
                    for (int i = 0; i < 6; i++) {
                        float[] own = alone(pack, latents, i * per, per, tokenSets[hallo[i]], "reference_bank_" + l);
                        double worst = 0;
                        for (int j = 0; j < rows; j++) {
                            worst = Math.max(worst, Math.abs(own[j] - bank.values()[i * rows + j]));
                        }
                        assertTrue(worst < 1e-5, c + "bank " + l + " image " + i + ": " + worst);
                    }
                }
            }
            // the point of the pairing: a motion frame's features differ between the two branches
            float[] b0 = traced.get("clip-0001/reference_bank_0").values();
            int rows = b0.length / 6;
            double apart = 0;
            for (int j = 0; j < rows; j++) {
                apart = Math.max(apart, Math.abs(b0[rows + j] - b0[4 * rows + j]));
            }
            assertTrue(apart > 1e-3, "motion frame 1 read with cond and uncond tokens: " + apart);
        }
    }

    /** The ReferenceNet on one image with one token set (given twice, so that the graph repeats it once). */
    private static float[] alone(ModelPack pack, float[] latents, int from, int per, float[] tokens, String output)
            throws Exception {
        float[] two = new float[2 * per];
        System.arraycopy(latents, from, two, 0, per);
        System.arraycopy(latents, from, two, per, per);
        float[] pair = new float[2 * tokens.length];
        System.arraycopy(tokens, 0, pair, 0, tokens.length);
        System.arraycopy(tokens, 0, pair, tokens.length, tokens.length);
        int c = 4, h = 8;
        try (OnnxTensor x = FloatTensor.of(two, 2, c, h, h).toOnnx();
             OnnxTensor t = FloatTensor.of(pair, 2, 4, tokens.length / 4).toOnnx()) {
            float[] both = pack.component(Role.REFERENCE_NET).runToArray(Map.of("reference_latents", x, "face_tokens", t), output);
            float[] first = new float[both.length / 2];
            System.arraycopy(both, 0, first, 0, first.length);
            return first;
        }
    }

    @Test
    void aPairingThatDoesNotRepeatWithTheTokensPeriodIsRefusedByName() {
        try (ModelPack pack = ModelPack.load(JOINT.source(Map.of("reference_pairing", List.of(0.0, 0.0, 0.0, 1.0, 1.0, 1.0))),
                List.of(ExecutionProvider.CPU), 1)) {
            PackException e = assertThrows(PackException.class,
                    () -> new Renderer(pack).render(RenderSpec.of(request(new ConcurrentHashMap<>())), dir.resolve("x.mp4")));
            assertTrue(e.getMessage().contains("reference_pairing") && e.getMessage().contains("face_tokens"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("x.mp4")));
        }
    }

    @Test
    void aPairingOfTheWrongLengthIsRefused() {
        try (ModelPack pack = ModelPack.load(JOINT.source(Map.of("reference_pairing", List.of(0.0, 1.0))),
                List.of(ExecutionProvider.CPU), 1)) {
            PackException e = assertThrows(PackException.class,
                    () -> new Renderer(pack).render(RenderSpec.of(request(new ConcurrentHashMap<>())), dir.resolve("y.mp4")));
            assertTrue(e.getMessage().contains("reference_pairing has 2 entries"), e.getMessage());
        }
    }

    @Test
    void aPairingWithoutTheJointBatchIsRefusedAtLoad() {
        PackException e = assertThrows(PackException.class, () -> ModelPack.load(
                JOINT.source(Map.of("reference_batch", "per_render")), List.of(ExecutionProvider.CPU), 1));
        assertTrue(e.getMessage().contains("reference_pairing needs"), e.getMessage());
        e = assertThrows(PackException.class, () -> ModelPack.load(
                JOINT.source(Map.of("reference_batch", "both")), List.of(ExecutionProvider.CPU), 1));
        assertTrue(e.getMessage().contains("reference_batch must be"), e.getMessage());
    }
}
