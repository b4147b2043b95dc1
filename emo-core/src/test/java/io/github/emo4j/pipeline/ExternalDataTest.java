package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.onnx.SessionSettings;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSource;
import io.github.emo4j.procedural.ProceduralFlowPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack whose graphs keep their constants in data files beside them, as every export of a model over
 * 2 GB must (Wan's 14 B transformer is 28 GB in fp16): it loads from its folder and renders what the
 * same pack with the constants inline renders, also through the optimised-graph cache, which then
 * stores the constants beside the cached graph too.
 */
class ExternalDataTest {
    @TempDir
    Path dir;

    @Test
    void aPackWithExternalDataRendersAsTheSamePackInline() throws Exception {
        ProceduralFlowPack flow = ProceduralFlowPack.of(48, 8, 5, 2);
        Path inline = dir.resolve("inline"), external = dir.resolve("external");
        flow.source().writeTo(inline);
        flow.sourceWithExternalData(1024).writeTo(external);
        assertTrue(Files.size(external.resolve("denoiser.onnx.data")) > 10_000, "the constants are outside");
        assertTrue(Files.size(external.resolve("denoiser.onnx")) < Files.size(inline.resolve("denoiser.onnx")) / 2);

        List<float[]> want = render(new FolderPackSource(inline), SessionSettings.DEFAULT);
        same(want, render(new FolderPackSource(external), SessionSettings.DEFAULT), "from the folder");
        Path cache = dir.resolve("cache");
        SessionSettings cached = SessionSettings.DEFAULT.withCacheDir(cache);
        same(want, render(new FolderPackSource(external), cached), "optimised into the cache");
        same(want, render(new FolderPackSource(external), cached), "read back from the cache");
        try (Stream<Path> files = Files.list(cache)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(".denoising_unet-")
                    && f.toString().endsWith(".data")), "the cached denoiser keeps its constants beside it");
        }
    }

    @Test
    void loadingIsToldNetworkByNetworkWithTheDataBesideEachGraph() throws Exception {
        Path external = dir.resolve("external");
        ProceduralFlowPack.of(48, 8, 5, 2).sourceWithExternalData(1024).writeTo(external);
        long denoiserBytes = Files.size(external.resolve("denoiser.onnx")) + Files.size(external.resolve("denoiser.onnx.data"));
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.github.emo4j.EmoPipeline p = io.github.emo4j.EmoPipeline.builder().pack(external)
                .onLoad(new io.github.emo4j.PackLoadListener() {
                    @Override
                    public void loading(int index, int count, String component, long bytes) {
                        heard.add("loading " + index + "/" + count + " " + component + " " + bytes);
                    }

                    @Override
                    public void loaded(int index, int count, String component, long nanos) {
                        assertTrue(nanos > 0);
                        heard.add("loaded " + index + "/" + count + " " + component);
                    }
                }).build()) {
            assertEquals("procedural-flow-reference", p.packInfo().name());
        }
        assertEquals(8, heard.size(), "four networks, each loading then loaded: " + heard);
        assertEquals("loading 4/4 denoising_unet " + denoiserBytes, heard.get(6));
        assertEquals("loaded 4/4 denoising_unet", heard.get(7));
    }

    private static void same(List<float[]> want, List<float[]> got, String how) {
        assertEquals(want.size(), got.size(), how);
        for (int c = 0; c < want.size(); c++) {
            assertArrayEquals(want.get(c), got.get(c), how + ": clip " + c);
        }
    }

    /** Every decoded clip's pixels. */
    private List<float[]> render(PackSource src, SessionSettings settings) throws Exception {
        try (ModelPack pack = ModelPack.load(src, List.of(ExecutionProvider.CPU), settings)) {
            return OracleTest.render(pack, dir.resolve("out-" + System.nanoTime() + ".mp4"), b -> b.steps(2).seed(5)).clips();
        }
    }
}
