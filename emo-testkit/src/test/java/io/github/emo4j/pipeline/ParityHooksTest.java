package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InitialNoise;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.Npy;
import io.github.emo4j.Preprocessing;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.TraceDirectory;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.testkit.SyntheticPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hooks that let an exporter check a pack against its original: a trace of every tensor, a render
 * started from given noise, and preprocessing results given instead of derived. The pack is a
 * synthetic one in Hallo's layout, whose output depends on the noise (the procedural pack's does not).
 */
class ParityHooksTest {

    @TempDir
    Path dir;

    static ModelPack pack;

    @BeforeAll
    static void load() {
        pack = ModelPack.load(new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).inHalloLayout().source(), List.of(ExecutionProvider.CPU), 1);
    }

    @AfterAll
    static void close() {
        pack.close();
    }

    private static RenderRequest request(long seed) {
        return SmallInputs.request(0.4, seed).toBuilder().guidance(2.5).build();
    }

    private Path traced(String name, long seed) throws Exception {
        Path trace = dir.resolve(name);
        try (TraceDirectory t = new TraceDirectory(trace)) {
            new Renderer(pack).render(RenderSpec.of(request(seed).toBuilder().trace(t).build()), dir.resolve(name + ".mp4"));
        }
        return trace;
    }

    @Test
    void aTraceHoldsEveryStageAndItsNoiseRepeatsTheRenderByteForByte() throws Exception {
        Path trace = traced("a", 3);
        String index = Files.readString(trace.resolve("index.json"));
        for (String f : List.of("render/face_crop", "render/face_image", "render/face_mask", "render/face_tokens",
                "render/face_tokens.zero_input", "render/denoiser/full_mask_0", "render/denoiser/lip_mask_1",
                "clip-0000/initial_noise", "clip-0000/audio_windows", "clip-0000/audio_embedding",
                "clip-0000/reference_motion_latents", "clip-0001/reference_bank_2", "clip-0000/step-00/sample",
                "clip-0000/step-00/timestep", "clip-0000/step-01/noise_pred", "clip-0000/step-01/guided",
                "clip-0000/step-01/latents", "clip-0001/decoded")) {
            assertTrue(Files.isRegularFile(trace.resolve(f + ".npy")), f);
            assertTrue(index.contains("\"file\":\"" + f + ".npy\""), "index lists " + f);
        }
        Npy.Array noise = Npy.read(trace.resolve("clip-0000/initial_noise.npy"));
        assertArrayEquals(new long[] {1, 4, 4, 8, 8}, noise.shape());
        Npy.Array sample = Npy.read(trace.resolve("clip-0000/step-00/sample.npy"));
        assertEquals(2, sample.shape()[0], "both guidance branches");

        Path again = dir.resolve("again.mp4"), other = dir.resolve("other.mp4");
        new Renderer(pack).render(RenderSpec.of(request(99).toBuilder().initialNoise(InitialNoise.fromDirectory(trace)).build()), again);
        new Renderer(pack).render(RenderSpec.of(request(99)), other);
        byte[] original = Files.readAllBytes(dir.resolve("a.mp4"));
        assertArrayEquals(original, Files.readAllBytes(again), "the traced noise repeats the render");
        assertFalse(java.util.Arrays.equals(original, Files.readAllBytes(other)), "another seed's noise does not");
    }

    @Test
    void missingOrMisShapedNoiseIsRefusedByName() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Renderer(pack)
                .render(RenderSpec.of(request(1).toBuilder().initialNoise(InitialNoise.fromDirectory(empty)).build()), dir.resolve("x.mp4")));
        assertTrue(e.getMessage().contains("clip-0000.npy") && e.getMessage().contains("missing"), e.getMessage());
        Path wrong = Files.createDirectories(dir.resolve("wrong"));
        for (int c = 0; c < 4; c++) {
            Npy.write(wrong.resolve(String.format("clip-%04d.npy", c)), new long[] {1, 4, 4, 8, 7}, new float[4 * 4 * 8 * 7]);
        }
        e = assertThrows(InvalidInputException.class, () -> new Renderer(pack)
                .render(RenderSpec.of(request(1).toBuilder().initialNoise(InitialNoise.fromDirectory(wrong)).build()), dir.resolve("x.mp4")));
        assertTrue(e.getMessage().contains("clip-0000.npy") && e.getMessage().contains("[1, 4, 4, 8, 7]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.mp4")));
    }

    @Test
    void preprocessingFromATraceRendersTheSameAndBadOnesAreRefusedByName() throws Exception {
        Path trace = traced("b", 5);
        Preprocessing given = Preprocessing.fromDirectory(trace);
        assertEquals(List.of("face_crop", "face_image", "face_mask", "full_mask_0", "lip_mask_1"),
                given.tensors().keySet().stream().sorted().toList());
        Path same = dir.resolve("same.mp4");
        new Renderer(pack).render(RenderSpec.of(request(5).toBuilder().preprocessing(given).build()), same);
        assertArrayEquals(Files.readAllBytes(dir.resolve("b.mp4")), Files.readAllBytes(same));

        // Hallo's own lip mask, say: a different mask changes the render
        Npy.Array lip = given.tensors().get("lip_mask_1");
        float[] widened = lip.values().clone();
        java.util.Arrays.fill(widened, 1f);
        Path changed = dir.resolve("changed.mp4");
        new Renderer(pack).render(RenderSpec.of(request(5).toBuilder().preprocessing(new Preprocessing(Map.of("lip_mask_1",
                new Npy.Array(lip.shape(), widened)))).build()), changed);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(same), Files.readAllBytes(changed)));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Renderer(pack).render(RenderSpec.of(request(5).toBuilder()
                .preprocessing(new Preprocessing(Map.of("face_mask", new Npy.Array(new long[] {2, 2}, new float[4])))).build()),
                dir.resolve("y.mp4")));
        assertTrue(e.getMessage().contains("'face_mask'") && e.getMessage().contains("[2, 2]"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new Renderer(pack).render(RenderSpec.of(request(5).toBuilder()
                .preprocessing(new Preprocessing(Map.of("face_mask_3", new Npy.Array(new long[] {1}, new float[1])))).build()),
                dir.resolve("y.mp4")));
        assertTrue(e.getMessage().contains("face_mask_3"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("y.mp4")));
    }
}
