package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackFamily;
import io.github.emo4j.testkit.SyntheticFlowPack;
import io.github.emo4j.video.Mp4Reader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A flow pack at Wan's per-latent shapes (16 channels, 8× spatial and 4× temporal compression) loads from
 * a folder and renders end to end with guidance and Wan's UniPC: clips decoded after their context,
 * motion latents of 4k + 1 frames encoded again every clip, a frame for every 1/16 s of voice.
 */
class SyntheticFlowPackTest {
    @TempDir
    Path dir;

    static io.github.emo4j.audio.AudioClip voice(double seconds) {
        float[] s = new float[(int) (16000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.max(0, Math.sin(i / 16000.0 * 6)));
        }
        return new io.github.emo4j.audio.AudioClip(s, 16000);
    }

    @Test
    void storedPromptEmbeddingsReachTheDenoiserTheNegativeInTheUnconditionalBranch() throws Exception {
        Path folder = promptedPack("prompted");
        float[] prompt = stored(folder, "prompt.npy"), negative = stored(folder, "negative_prompt.npy");
        RenderRequest.Builder req = promptedRequest();
        Path before = dir.resolve("p.mp4");
        float[] v = traced(folder, req.build(), before)[0];
        assertEquals(2 * prompt.length, v.length, "two guidance branches");
        assertArrayEquals(negative, branch(v, 0, 2), "the unconditional branch");
        assertArrayEquals(prompt, branch(v, 1, 2), "the conditional branch");
        // another prompt, another video
        float[] other = prompt.clone();
        for (int i = 0; i < other.length; i++) {
            other[i] = -other[i];
        }
        io.github.emo4j.Npy.write(folder.resolve("prompt.npy"), new long[] {1, 6, SyntheticFlowPack.TEXT_WIDTH}, other);
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            new Renderer(pack).render(RenderSpec.of(req.build()), dir.resolve("q.mp4"));
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(before), Files.readAllBytes(dir.resolve("q.mp4"))));
        // a prompt of another width is refused by name at load
        io.github.emo4j.Npy.write(folder.resolve("prompt.npy"), new long[] {6, 8}, new float[48]);
        var e = assertThrows(io.github.emo4j.PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1));
        assertTrue(e.getMessage().contains("negative_text_context negative_prompt.npy has shape"), e.getMessage());
        Files.delete(folder.resolve("prompt.npy"));
        var missing = assertThrows(io.github.emo4j.PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1));
        assertTrue(missing.getMessage().contains("prompt.npy") && missing.getMessage().contains("missing"), missing.getMessage());
    }

    /**
     * Three branches, as MultiTalk and InfiniteTalk guide (neither; the voice alone; the voice and the
     * prompt): the middle branch hears the voice and gets the negative prompt when the manifest says
     * the audio is the middle branch's condition ({@code "condition": "reference"}).
     */
    @Test
    void threeBranchesGiveTheVoiceAndThePromptWhereTheManifestSays() throws Exception {
        Path folder = promptedPack("three");
        float[] prompt = stored(folder, "prompt.npy"), negative = stored(folder, "negative_prompt.npy");
        RenderRequest req = promptedRequest().guidance(5).referenceGuidance(4).build();
        float[][] plain = traced(folder, req, dir.resolve("plain.mp4"));
        assertArrayEquals(negative, branch(plain[0], 1, 3), "the middle branch: no prompt");
        assertArrayEquals(new float[plain[1].length / 3], branch(plain[1], 1, 3), "the middle branch: no voice");

        Path manifest = folder.resolve("manifest.json");
        String m = Files.readString(manifest);
        Files.writeString(manifest, m.replace("\"name\": \"audio_windows\",", "\"name\": \"audio_windows\", \"condition\": \"reference\","));
        float[][] audioFirst = traced(folder, req, dir.resolve("audio-first.mp4"));
        assertArrayEquals(negative, branch(audioFirst[0], 1, 3), "the middle branch: still no prompt");
        assertArrayEquals(branch(audioFirst[1], 2, 3), branch(audioFirst[1], 1, 3), "the middle branch hears the voice");
        assertArrayEquals(prompt, branch(audioFirst[0], 2, 3));
        assertArrayEquals(new float[audioFirst[1].length / 3], branch(audioFirst[1], 0, 3), "the unconditional branch: silence");
    }

    /** A small flow pack with stored prompt embeddings of 6 tokens, written to {@code name} in the test's folder. */
    private Path promptedPack(String name) throws Exception {
        Path folder = dir.resolve(name);
        new SyntheticFlowPack(64, 4, 5, 16, 8, 5, 6).source().writeTo(folder);
        return folder;
    }

    private static float[] stored(Path folder, String file) {
        return io.github.emo4j.Npy.read(folder.resolve(file)).values();
    }

    /** 0.3 s of voice on a blank portrait, one step. */
    private static RenderRequest.Builder promptedRequest() {
        return RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), voice(0.3))
                .face(new io.github.emo4j.face.FaceBox(16, 16, 64, 64)).steps(1).seed(3);
    }

    /** The traced text context and the first clip's audio windows of a render from {@code folder} to {@code out}. */
    private float[][] traced(Path folder, RenderRequest req, Path out) throws Exception {
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            List<io.github.emo4j.TracedTensor> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            new Renderer(pack).render(RenderSpec.of(req.toBuilder().trace(seen::add).build()), out);
            return new float[][] {find(seen, "render/denoiser/text_context"), find(seen, "clip-0000/audio_windows")};
        }
    }

    private static float[] find(List<io.github.emo4j.TracedTensor> seen, String name) {
        return seen.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name)).values();
    }

    private static float[] branch(float[] all, int b, int branches) {
        int n = all.length / branches;
        return java.util.Arrays.copyOfRange(all, b * n, (b + 1) * n);
    }

    /**
     * A flow render's buffers are made when it opens, whatever its length: 16 clips allocate what 2 do,
     * but for the voice's own input (the decode of each clip after its context reuses one output buffer,
     * the motion frames one window). The next render on the same renderer takes them back from its pool.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "VAE in chunks: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aLongerVoiceAllocatesNoMoreTensors(boolean chunked) throws Exception {
        SyntheticFlowPack flow = new SyntheticFlowPack(64, 4, 9, 16, 8, 5);
        try (ModelPack pack = ModelPack.load((chunked ? flow.withChunkedVae() : flow).source(), List.of(ExecutionProvider.CPU), 1)) {
            double[] seconds = {0.5, 4.0, 4.0};
            long[] allocated = new long[3];
            int[] clips = new int[3];
            long pooled = 0;
            // a renderer each for the first two, so that neither takes buffers from the other; the third
            // render is the second's renderer's next
            Renderer[] renderers = {new Renderer(pack), new Renderer(pack)};
            Renderer again = renderers[1];
            for (int i = 0; i < 3; i++) {
                Renderer r = renderers[Math.min(i, 1)];
                if (i == 2) {
                    pooled = r.idleTensorBytes();
                }
                RenderRequest req = RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), voice(seconds[i]))
                        .face(new io.github.emo4j.face.FaceBox(16, 16, 64, 64)).steps(2).seed(3).build();
                long before = io.github.emo4j.onnx.FloatTensor.allocatedBytes();
                int[] count = {0};
                r.observe((clip, pixels, valid) -> count[0]++);
                r.render(RenderSpec.of(req), dir.resolve("len" + i + ".mp4"));
                allocated[i] = io.github.emo4j.onnx.FloatTensor.allocatedBytes() - before;
                clips[i] = count[0];
            }
            assertEquals(2, clips[0]);
            assertEquals(16, clips[1]);
            // only the voice's own input grows with it (a file render encodes it at once, 320 samples a row)
            long voiceInput = (long) ((seconds[1] - seconds[0]) * 50) * pack.settings().audioChunkSamples() * Float.BYTES;
            assertEquals(voiceInput, allocated[1] - allocated[0], "bytes of tensors allocated by a render of 16 clips, "
                    + "beyond those of a render of 2 (" + allocated[0] + ")");
            assertTrue(pooled > allocated[0] / 2, "bytes kept for the next render: " + pooled + " of " + allocated[1]);
            assertEquals(allocated[1] - pooled, allocated[2], "a second render of the same shapes takes every kept buffer back");
            renderers[0].close();
            again.close();
            assertEquals(0, again.idleTensorBytes(), "a closed renderer keeps nothing");
            System.out.printf("synthetic flow pack, VAE %s: a render of 2 clips allocates %d bytes of tensors, "
                    + "the next on the same renderer %d fewer%n", chunked ? "in chunks" : "whole", allocated[0], pooled);
        }
    }

    @Test
    void rendersEndToEndFromAFolder() throws Exception {
        Path folder = dir.resolve("flow");
        new SyntheticFlowPack(64, 8, 9, 16, 8, 5).source().writeTo(folder);
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x + y) & 0xFF));
            }
        }
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            assertEquals(PackFamily.FLOW, pack.manifest().family());
            Renderer r = new Renderer(pack);
            List<float[]> clips = new ArrayList<>();
            r.observe((clip, pixels, valid) -> clips.add(pixels));
            RenderRequest req = RenderRequest.builder(img, voice(1.2)).face(new io.github.emo4j.face.FaceBox(32, 32, 64, 64))
                    .steps(3).seed(3).build();
            Path a = dir.resolve("a.mp4"), b = dir.resolve("b.mp4");
            Renderer.Outcome o = r.render(RenderSpec.of(req), a);
            assertEquals(19, o.frames(), "1.2 s at 16 fps");
            assertEquals(3, clips.size(), "clips of 8");
            assertEquals(19, Mp4Reader.probe(a).videoFrames());
            assertEquals(3 * 3, o.stats().unetRuns(), "3 clips of 3 steps, the guidance branches batched in one run");
            r.render(RenderSpec.of(req), b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same seed makes the same video");
        }
    }

    /**
     * Latents of 65,536 values and more are stepped prepared: Wan's UniPC sums the history's terms on a
     * helper thread while the denoiser runs, then the render's thread adds the guided output's term,
     * computed as it is read; the denoiser's input and output alternate between two sides,
     * so an odd count of steps ends on the second. A traced render takes the stepped path (the guided
     * prediction written whole, then the step in the original's order of operations on one thread). The
     * two agree to rounding: measured 2.4e-7 over two clips; a prepared step that left 64 values unstepped
     * is off by far more. A second prepared render on the same renderer, on the first one's buffers, is the
     * first one bit for bit.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 4})
    void preparedStepsAgreeWithSteppedOnesToRounding(int steps) throws Exception {
        SyntheticFlowPack flow = new SyntheticFlowPack(256, 16, 9, 16, 8, 5);
        assertTrue(16 * 4 * 32 * 32 >= ClipSampler.MIN_SHARED, "latents large enough to be shared out");
        try (ModelPack pack = ModelPack.load(flow.source(), List.of(ExecutionProvider.CPU), 1)) {
            RenderRequest req = RenderRequest.builder(new BufferedImage(320, 320, BufferedImage.TYPE_INT_RGB), voice(1.5))
                    .face(new io.github.emo4j.face.FaceBox(32, 32, 256, 256)).steps(steps).seed(9).build();
            List<float[]> plain = new ArrayList<>(), prepared = new ArrayList<>(), again = new ArrayList<>();
            try (Renderer r = new Renderer(pack)) {
                r.observe((clip, pixels, valid) -> plain.add(pixels));
                r.render(RenderSpec.of(req.toBuilder().trace(t -> { }).build()), dir.resolve("plain.mp4"));
                r.observe((clip, pixels, valid) -> prepared.add(pixels));
                r.render(RenderSpec.of(req), dir.resolve("prepared.mp4"));
                r.observe((clip, pixels, valid) -> again.add(pixels));
                r.render(RenderSpec.of(req), dir.resolve("again.mp4"));
            }
            assertEquals(prepared.size(), again.size());
            for (int c = 0; c < prepared.size(); c++) {
                assertArrayEquals(prepared.get(c), again.get(c), "clip " + c + " of a second prepared render");
            }
            assertEquals(2, plain.size(), "1.5 s makes two clips of 16 frames, so the motion frames count");
            double worst = 0;
            for (int c = 0; c < plain.size(); c++) {
                float[] a = plain.get(c), b = prepared.get(c);
                assertEquals(a.length, b.length);
                for (int k = 0; k < a.length; k++) {
                    worst = Math.max(worst, Math.abs(a[k] - b[k]));
                }
            }
            assertTrue(worst <= 1e-5, "prepared vs stepped: largest pixel difference " + worst);
            // Java's float arithmetic is deterministic: a difference of exactly 0 would mean the prepared path was not taken
            assertTrue(worst > 0, "the untraced render took the prepared path");
        }
    }

    /**
     * UniPC of order 3 does not prepare its steps; over latents this large it steps them in blocks shared
     * with the helper thread, each block in the original's order of operations, so an untraced render
     * (shared) and a traced one (one thread, the guided prediction written whole) agree bit for bit.
     */
    @Test
    void sharedStepsOfOrderThreeAreTheSteppedOnesExactly() throws Exception {
        Path folder = dir.resolve("order3");
        new SyntheticFlowPack(256, 16, 9, 16, 8, 5).source().writeTo(folder);
        Path manifest = folder.resolve("manifest.json");
        String json = Files.readString(manifest);
        String withOrder = json.replace("\"sample_shift\": 3", "\"sample_shift\": 3, \"solver_order\": 3");
        assertNotEquals(json, withOrder, "the manifest's scheduler names its shift");
        Files.writeString(manifest, withOrder);
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            RenderRequest req = RenderRequest.builder(new BufferedImage(320, 320, BufferedImage.TYPE_INT_RGB), voice(1.5))
                    .face(new io.github.emo4j.face.FaceBox(32, 32, 256, 256)).steps(5).seed(9).build();
            List<float[]> plain = new ArrayList<>(), shared = new ArrayList<>();
            try (Renderer r = new Renderer(pack)) {
                r.observe((clip, pixels, valid) -> plain.add(pixels));
                r.render(RenderSpec.of(req.toBuilder().trace(t -> { }).build()), dir.resolve("plain.mp4"));
                r.observe((clip, pixels, valid) -> shared.add(pixels));
                r.render(RenderSpec.of(req), dir.resolve("shared.mp4"));
            }
            assertEquals(2, shared.size());
            for (int c = 0; c < plain.size(); c++) {
                assertArrayEquals(plain.get(c), shared.get(c), "clip " + c);
            }
        }
    }

    /**
     * A decoder that gives NaN stops the render at the first clip with the error every output check gives,
     * naming the decoder's output, and the video file is not written: before the motion encode takes the
     * frames (1.2 s, several clips), and when the first clip is also the last, at the end (0.3 s).
     */
    @ParameterizedTest
    @ValueSource(doubles = {1.2, 0.3})
    void aDecoderGivingNaNStopsTheRenderAndWritesNothing(double seconds) throws Exception {
        SyntheticFlowPack flow = new SyntheticFlowPack(64, 8, 9, 16, 8, 5);
        try (ModelPack pack = ModelPack.load(flow.sourceWithNaNDecoder(), List.of(ExecutionProvider.CPU), 1);
             Renderer r = new Renderer(pack)) {
            RenderRequest req = RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), voice(seconds))
                    .face(new io.github.emo4j.face.FaceBox(16, 16, 64, 64)).steps(2).seed(3).build();
            Path out = dir.resolve("nan.mp4");
            io.github.emo4j.PackException e = assertThrows(io.github.emo4j.PackException.class,
                    () -> r.render(RenderSpec.of(req), out));
            assertTrue(e.getMessage().contains("vae_decoder: output 'pixels' holds NaN or infinite values at clip 1; "
                    + "nothing was written"), e.getMessage());
            assertFalse(Files.exists(out), "no video");
            try (var left = Files.list(dir)) {
                assertEquals(List.of(), left.toList(), "no partial file either");
            }
        }
    }
}
