package io.github.emo4j.pack;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.PackException;
import io.github.emo4j.ProviderException;
import io.github.emo4j.procedural.ProceduralPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading checks: a pack that does not match its manifest, or tries to leave its folder, is refused. */
class ModelPackTest {

    @TempDir
    Path dir;

    private Path writePack() throws Exception {
        Path p = dir.resolve("pack");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(p);
        return p;
    }

    private static ModelPack load(Path p) {
        return ModelPack.load(new FolderPackSource(p), List.of(ExecutionProvider.CPU), 1);
    }

    private PackException refused(Path p) {
        return assertThrows(PackException.class, () -> load(p).close());
    }

    private static void edit(Path pack, String from, String to) throws Exception {
        Path m = pack.resolve("manifest.json");
        String s = Files.readString(m);
        assertTrue(s.contains(from), "manifest has no '" + from + "'");
        Files.writeString(m, s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
    }

    @Test
    void aFolderPackLoadsLikeTheBuiltInOne() throws Exception {
        try (ModelPack pack = load(writePack())) {
            assertEquals(32, pack.settings().resolution());
            assertEquals(ExecutionProvider.CPU, pack.provider());
        }
    }

    @Test
    void aWrongDimensionIsNamedWithBothValues() throws Exception {
        Path p = writePack();
        edit(p, "\"reference_features\",\n          \"dtype\": \"float32\",\n          \"shape\": [1, 6, 32, 32]",
                "\"reference_features\",\n          \"dtype\": \"float32\",\n          \"shape\": [1, 7, 32, 32]");
        String msg = refused(p).getMessage();
        assertTrue(msg.contains("reference_features") && msg.contains("expected 7") && msg.contains("actual 6"), msg);
    }

    @Test
    void theFamilyDecidesTheRequiredRolesAndAnUnknownFamilyIsNamed() throws Exception {
        Path p = writePack();
        try (ModelPack pack = load(p)) {
            assertEquals(PackFamily.UNET, pack.manifest().family(), "no 'family': the UNet family");
            // the procedural pack works in pixel space: RGB, one cell a pixel
            assertEquals(new LatentLayout(3, 1, 32, 32), PackFamily.UNET.latentLayout(pack.settings()));
            assertTrue(PackFamily.UNET.requires(Role.FACE_LOCATOR));
            assertFalse(PackFamily.UNET.requires(Role.SPEED_ENCODER));
        }
        edit(p, "\"format\": \"emo4j-pack/1\",", "\"format\": \"emo4j-pack/1\", \"family\": \"dit\",");
        String msg = refused(p).getMessage();
        assertTrue(msg.contains("unknown pack family 'dit'") && msg.contains("knows: unet, flow"), msg);
    }

    @Test
    void aFlowPacksClipsAndMotionFramesMustBeWholeLatentFrames() {
        String ok = io.github.emo4j.procedural.ProceduralFlowPack.of(32, 8, 5, 1).source().manifest();
        PackManifest m = PackManifest.parse(ok, "flowpack", f -> null);
        assertEquals(PackFamily.FLOW, m.family());
        assertFalse(m.family().requires(Role.REFERENCE_NET));
        var clips = assertThrows(io.github.emo4j.PackException.class,
                () -> PackManifest.parse(ok.replace("\"clip_frames\": 8", "\"clip_frames\": 6"), "flowpack", f -> null));
        assertTrue(clips.getMessage().contains("flowpack: settings.clip_frames 6 must be a multiple of 4"), clips.getMessage());
        var motion = assertThrows(io.github.emo4j.PackException.class,
                () -> PackManifest.parse(ok.replace("\"motion_frames\": 5", "\"motion_frames\": 4"), "flowpack", f -> null));
        assertTrue(motion.getMessage().contains("settings.motion_frames 4 must be 4k + 1"), motion.getMessage());
        var unet = assertThrows(io.github.emo4j.PackException.class,
                () -> PackManifest.parse(ok.replace("\"FlowMatchEulerDiscreteScheduler\"", "\"DDIMScheduler\""), "flowpack", f -> null));
        assertTrue(unet.getMessage().contains("flowpack: scheduler"), unet.getMessage());
    }

    /** A VAE in chunks: every cache has its next value, the same fixed shape throughout, and a first chunk to begin it. */
    @Test
    void aVaeInChunksIsCheckedByName() throws Exception {
        var src = io.github.emo4j.procedural.ProceduralFlowPack.of(32, 8, 5, 1).withChunkedVae().source();
        String ok = src.manifest();
        PackManifest m = PackManifest.parse(ok, "chunks", f -> null);
        assertEquals(List.of("previous"), ChunkedVae.caches(m.components().get(Role.VAE_DECODER)).stream().map(TensorSpec::name).toList());
        var noNext = assertThrows(PackException.class, () -> PackManifest.parse(edited(ok, "vae_decoder", "outputs", 1,
                t -> t.put("name", "previous_after")), "chunks", f -> null));
        assertTrue(noNext.getMessage().contains("chunks: component vae_decoder cache 'previous': no output 'previous_next'"),
                noNext.getMessage());
        var shape = assertThrows(PackException.class, () -> PackManifest.parse(edited(ok, "vae_decoder_first", "outputs", 1,
                t -> t.put("shape", List.of(1.0, 3.0, 2.0, 32.0, 32.0))), "chunks", f -> null));
        assertTrue(shape.getMessage().contains("cache 'previous': shape [1, 3, 1, 32, 32], but 'previous_next' is [1, 3, 2, 32, 32] "
                + "in vae_decoder_first"), shape.getMessage());
        var symbolic = assertThrows(PackException.class, () -> PackManifest.parse(edited(ok, "vae_decoder", "inputs", 1,
                t -> t.put("shape", List.of(1.0, 3.0, "frames", 32.0, 32.0))), "chunks", f -> null));
        assertTrue(symbolic.getMessage().contains("cache 'previous': dimension 2 must be fixed"), symbolic.getMessage());
        var four = assertThrows(PackException.class, () -> PackManifest.parse(edited(ok, "vae_encoder", "inputs", 0,
                t -> t.put("shape", List.of(1.0, 3.0, 8.0, 32.0, 32.0))), "chunks", f -> null));
        assertTrue(four.getMessage().contains("component vae_encoder input 'pixels': a chunk of a causal VAE is [1, 3, 4, 32, 32]"),
                four.getMessage());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) Json.parse(ok);
        ((Map<String, Object>) doc.get("components")).remove("vae_decoder_first");
        var begin = assertThrows(PackException.class, () -> PackManifest.parse(Json.write(doc), "chunks", f -> null));
        assertTrue(begin.getMessage().contains("component vae_decoder takes 'previous' besides 'latents'")
                && begin.getMessage().contains("needs a vae_decoder_first"), begin.getMessage());
        var family = assertThrows(PackException.class, () -> ChunkedVae.check(PackManifest.parse(ok, "chunks", f -> null).components(),
                PackFamily.UNET, PackManifest.parse(ok, "chunks", f -> null).settings(), "chunks"));
        assertTrue(family.getMessage().contains("not the unet family"), family.getMessage());
        // and the graphs as loaded agree with the manifest: the chunked pack loads
        ModelPack.load(src, List.of(ExecutionProvider.CPU), 1).close();
    }

    /** {@code json} with tensor {@code index} of a component's {@code inputs} or {@code outputs} changed by {@code change}. */
    @SuppressWarnings("unchecked")
    private static String edited(String json, String component, String list, int index,
                                 java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(json);
        Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get(component);
        change.accept((Map<String, Object>) ((List<Object>) c.get(list)).get(index));
        return Json.write(doc);
    }

    @Test
    void aLatentLayoutOfACausalVaeKeepsTheFirstFrameAlone() {
        LatentLayout wan = new LatentLayout(16, 4, 60, 104);
        assertEquals(21, wan.latentFrames(81), "Wan: 81 frames are 21 latent frames");
        assertEquals(1, wan.latentFrames(1));
        assertEquals(19, wan.latentFrames(73), "Wan2.2-S2V's 73 motion frames are 19 latent frames");
        assertEquals(20, wan.clipLatentFrames(80), "an S2V clip of 80 frames is 20 latent frames after its context latent");
        assertArrayEquals(new long[] {1, 16, 20, 60, 104}, wan.clipShape(80));
        assertEquals(81, wan.videoFrames(21), "the decoder makes 1 + 4 (n - 1) frames");
        assertEquals(12, new LatentLayout(4, 1, 64, 64).latentFrames(12));
        assertEquals(12, new LatentLayout(4, 1, 64, 64).clipLatentFrames(12));
    }

    @Test
    void aWrongDtypeIsNamed() throws Exception {
        Path p = writePack();
        edit(p, "\"name\": \"timestep\",\n          \"dtype\": \"int64\"", "\"name\": \"timestep\",\n          \"dtype\": \"float32\"");
        String msg = refused(p).getMessage();
        assertTrue(msg.contains("denoising_unet") && msg.contains("timestep") && msg.contains("expected float32"), msg);
    }

    @Test
    void anUndeclaredModelInputIsNamed() throws Exception {
        Path p = writePack();
        edit(p, "\"name\": \"frame_time\"", "\"name\": \"motion_scale_typo\"");
        String msg = refused(p).getMessage();
        assertTrue(msg.contains("motion_scale_typo"), msg);
    }

    @Test
    void pathsMayNotLeaveThePack() throws Exception {
        Path p = writePack();
        edit(p, "\"file\": \"vae_encoder.onnx\"", "\"file\": \"../../etc/passwd\"");
        assertTrue(refused(p).getMessage().contains("leaves the pack folder"));
        Path q = dir.resolve("q");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(q);
        edit(q, "\"file\": \"vae_encoder.onnx\"", "\"file\": \"/etc/passwd\"");
        assertTrue(refused(q).getMessage().contains("leaves the pack folder"));
        Path s = dir.resolve("s");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(s);
        Files.delete(s.resolve("vae_decoder.onnx"));
        Files.createSymbolicLink(s.resolve("vae_decoder.onnx"), p.resolve("vae_decoder.onnx"));
        assertTrue(refused(s).getMessage().contains("outside the pack folder"));
    }

    @Test
    void missingFilesAndAbsurdSettingsAreRefused() throws Exception {
        Path p = writePack();
        Files.delete(p.resolve("face_locator.onnx"));
        assertTrue(refused(p).getMessage().contains("face_locator.onnx"));
        Path q = dir.resolve("q2");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(q);
        edit(q, "\"resolution\": 32", "\"resolution\": 1e9");
        assertTrue(refused(q).getMessage().contains("settings.resolution"));
        Path r = dir.resolve("r2");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(r);
        Files.writeString(r.resolve("vae_encoder.onnx"), "not an onnx model");
        assertTrue(refused(r).getMessage().contains("not a loadable ONNX model"));
        assertThrows(PackException.class, () -> new FolderPackSource(dir.resolve("no-such-pack")));
    }

    @Test
    void anUnavailableProviderSaysWhatToAdd() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> ModelPack.load(ProceduralPack.of(32, 4, 2, 1).source(), List.of(ExecutionProvider.cuda(0)), 1));
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
        try (ModelPack p = ModelPack.load(ProceduralPack.of(32, 4, 2, 1).source(),
                List.of(ExecutionProvider.cuda(0), ExecutionProvider.CPU), 1)) {
            assertEquals(ExecutionProvider.CPU, p.provider());
        }
    }
}
