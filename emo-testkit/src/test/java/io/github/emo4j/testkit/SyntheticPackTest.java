package io.github.emo4j.testkit;

import io.github.emo4j.pipeline.RenderSpec;
import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSource;
import io.github.emo4j.pipeline.Renderer;
import io.github.emo4j.video.Mp4Reader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack with the structure of a learned EMO-class model loads, validates, and renders end to end:
 * reference banks at four levels pass from the ReferenceNet to the denoiser, face-locator features
 * enter the guidance batch with zeros first, and level masks are made from the crop.
 */
class SyntheticPackTest {

    @TempDir
    Path dir;

    static AudioClip voice(double seconds) {
        float[] s = new float[(int) (16000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.max(0, Math.sin(i / 16000.0 * 6)));
        }
        return new AudioClip(s, 16000);
    }

    @Test
    void rendersEndToEndFromAFolder() throws Exception {
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        Path folder = dir.resolve("synthetic");
        sp.source().writeTo(folder);
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x + y) & 0xFF));
            }
        }
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            assertEquals(8, pack.settings().latentSize());
            Renderer r = new Renderer(pack);
            RenderRequest req = RenderRequest.builder(img, voice(0.5)).face(new FaceBox(32, 32, 64, 64)).steps(2).seed(3).build();
            Path a = dir.resolve("a.mp4"), b = dir.resolve("b.mp4");
            Renderer.Outcome o = r.render(RenderSpec.of(req), a);
            r.render(RenderSpec.of(req), b);
            assertEquals(13, o.frames());
            assertEquals(13, Mp4Reader.probe(a).videoFrames());
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same bytes");
            assertEquals(4 * 2, o.stats().unetRuns(), "4 clips of 4 frames, 2 steps each, guidance batched in one run");
            // separate reference and audio guidance: three branches, banks present in two of them
            Renderer.Outcome three = r.render(RenderSpec.of(req.toBuilder().referenceGuidance(2.0).build()), dir.resolve("c.mp4"));
            assertEquals(13, three.frames());
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(dir.resolve("c.mp4"))));
            // the head-speed condition reaches the denoiser
            r.render(RenderSpec.of(req.toBuilder().motion(new io.github.emo4j.MotionControl(3, 1, 1)).build()), dir.resolve("fast.mp4"));
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(dir.resolve("fast.mp4"))));
        }
    }

    @Test
    void aMismatchedBankIsNamed() throws Exception {
        Path folder = dir.resolve("bad");
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).source().writeTo(folder);
        Path m = folder.resolve("manifest.json");
        String json = Files.readString(m);
        // the denoiser's copy of bank 2 declares a wrong width; the reference net's copy stays right
        int unet = json.indexOf("\"denoising_unet\"");
        int at = json.indexOf("\"reference_bank_2\"", unet);
        int shape = json.indexOf("\"shape\": [\"batch\", 4, 64]", at);
        assertTrue(shape > 0, json.substring(at, at + 160));
        Files.writeString(m, json.substring(0, shape) + "\"shape\": [\"batch\", 4, 65]"
                + json.substring(shape + "\"shape\": [\"batch\", 4, 64]".length()));
        var e = assertThrows(io.github.emo4j.PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(e.getMessage().contains("denoising_unet") && e.getMessage().contains("reference_bank_2")
                && e.getMessage().contains("expected 65") && e.getMessage().contains("actual 64"), e.getMessage());
    }

    @Test
    void optimisedGraphsAreCachedAndReused() throws Exception {
        Path cache = dir.resolve("cache");
        var settings = io.github.emo4j.onnx.SessionSettings.DEFAULT.withThreads(1).withCacheDir(cache);
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        RenderRequest req = RenderRequest.builder(img, voice(0.3)).face(new FaceBox(24, 24, 48, 48)).steps(1).build();
        byte[][] videos = new byte[2][];
        for (int run = 0; run < 2; run++) {
            try (ModelPack pack = ModelPack.load(sp.source(), List.of(ExecutionProvider.CPU), settings)) {
                Path out = dir.resolve("cached" + run + ".mp4");
                new Renderer(pack).render(RenderSpec.of(req), out);
                videos[run] = Files.readAllBytes(out);
            }
            try (var files = Files.list(cache)) {
                assertEquals(8, files.filter(p -> p.toString().endsWith(".onnx")).count(), "one optimised graph per component");
            }
        }
        assertArrayEquals(videos[0], videos[1], "a cached graph computes the same");
    }

    /** Writes the Hallo-layout pack to a folder with {@code from} replaced by {@code to} in its manifest. */
    private Path halloWith(String name, String from, String to) throws Exception {
        Path folder = dir.resolve(name);
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).inHalloLayout().source().writeTo(folder);
        Path m = folder.resolve("manifest.json");
        String json = Files.readString(m);
        assertTrue(json.contains(from), "manifest has " + from);
        Files.writeString(m, json.replace(from, to));
        return folder;
    }

    @Test
    void hallosContractMistakesAreNamed() throws Exception {
        var bad = assertThrows(io.github.emo4j.PackException.class, () -> ModelPack.load(new FolderPackSource(
                halloWith("first", "\"first_motion\": \"reference\"", "\"first_motion\": \"noise\"")),
                List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(bad.getMessage().contains("first_motion") && bad.getMessage().contains("noise"), bad.getMessage());

        bad = assertThrows(io.github.emo4j.PackException.class, () -> ModelPack.load(new FolderPackSource(
                halloWith("uncond", "\"uncond\": \"zero_input\"", "\"uncond\": \"ones\"")),
                List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(bad.getMessage().contains("uncond") && bad.getMessage().contains("ones"), bad.getMessage());

        // a projection with nothing to feed it
        Path orphan = halloWith("orphan", "\"format\"", "\"format\"");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> doc = (java.util.Map<String, Object>) Json.parse(Files.readString(orphan.resolve("manifest.json")));
        ((java.util.Map<String, Object>) doc.get("components")).remove("image_encoder");
        Files.writeString(orphan.resolve("manifest.json"), Json.write(doc));
        bad = assertThrows(io.github.emo4j.PackException.class, () -> ModelPack.load(new FolderPackSource(orphan),
                List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(bad.getMessage().contains("image_projection needs an image_encoder"), bad.getMessage());

        // motion frames through the ReferenceNet need a free batch dimension there
        Path fixed = halloWith("fixed", "\"shape\": [\"items\", 4, 8, 8]", "\"shape\": [3, 4, 8, 8]");
        var e = assertThrows(io.github.emo4j.PackException.class, () -> {
            try (ModelPack pack = ModelPack.load(new FolderPackSource(fixed), List.of(ExecutionProvider.CPU), 1)) {
                RenderRequest req = RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), voice(0.2))
                        .face(new FaceBox(24, 24, 48, 48)).steps(1).build();
                new Renderer(pack).render(RenderSpec.of(req), dir.resolve("never.mp4"));
            }
        });
        assertTrue(e.getMessage().contains("reference_latents") && e.getMessage().contains("symbolic batch"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("never.mp4")));
    }

    @Test
    void aLatentScalingSettingReachesTheVae() throws Exception {
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        RenderRequest req = RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), voice(0.3))
                .face(new FaceBox(24, 24, 48, 48)).steps(1).build();
        byte[][] out = new byte[2][];
        PackSource[] sources = {sp.source(), sp.source(java.util.Map.of("latent_scaling", 0.18215))};
        for (int i = 0; i < 2; i++) {
            try (ModelPack pack = ModelPack.load(sources[i], List.of(ExecutionProvider.CPU), 1)) {
                assertEquals(i == 0 ? 1.0 : 0.18215, pack.settings().latentScaling(), 1e-12);
                Path video = dir.resolve("ls" + i + ".mp4");
                new Renderer(pack).render(RenderSpec.of(req), video);
                out[i] = Files.readAllBytes(video);
            }
        }
        assertFalse(java.util.Arrays.equals(out[0], out[1]), "the scaling changes what the networks see");
    }

    @Test
    void theSchedulerMayBeTheDiffusersFileInThePack() throws Exception {
        Path folder = dir.resolve("with-file");
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).source().writeTo(folder);
        Path m = folder.resolve("manifest.json");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> doc = (java.util.Map<String, Object>) Json.parse(Files.readString(m));
        Object inline = doc.get("scheduler");
        Files.createDirectories(folder.resolve("scheduler"));
        Files.writeString(folder.resolve("scheduler/scheduler_config.json"), Json.write(inline));
        doc.put("scheduler", "scheduler/scheduler_config.json");
        Files.writeString(m, Json.write(doc));
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            assertEquals(inline, pack.manifest().scheduler());
        }

        doc.put("scheduler", "../outside.json");
        Files.writeString(m, Json.write(doc));
        var e = assertThrows(io.github.emo4j.PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(e.getMessage().contains("leaves the pack folder"), e.getMessage());

        doc.put("scheduler", "scheduler/missing.json");
        Files.writeString(m, Json.write(doc));
        e = assertThrows(io.github.emo4j.PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(e.getMessage().contains("missing.json"), e.getMessage());

        Files.writeString(folder.resolve("scheduler/broken.json"), "{\"_class_name\": ");
        doc.put("scheduler", "scheduler/broken.json");
        Files.writeString(m, Json.write(doc));
        e = assertThrows(io.github.emo4j.PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1).close());
        assertTrue(e.getMessage().contains("scheduler file scheduler/broken.json"), e.getMessage());
    }
}
