package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.CancelToken;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.ProceduralPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {

    @TempDir
    Path dir;

    private static RenderRequest request() {
        return RenderRequest.of(OracleTest.portrait(), OracleTest.voice()).withFace(new FaceBox(50, 40, 60, 60)).withSteps(3);
    }

    @Test
    void eightConcurrentRendersMatchASequentialOneByteForByte() throws Exception {
        try (ModelPack pack = ModelPack.load(ProceduralPack.of(48, 6, 2, 2).source(), List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            Path seq = dir.resolve("seq.mp4");
            r.render(request(), seq);
            byte[] expected = Files.readAllBytes(seq);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<byte[]>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Path out = dir.resolve("par" + i + ".mp4");
                    futures.add(pool.submit(() -> {
                        r.render(request(), out);
                        return Files.readAllBytes(out);
                    }));
                }
                for (Future<byte[]> f : futures) {
                    assertArrayEquals(expected, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aCancelledRenderLeavesNoFile() throws Exception {
        try (ModelPack pack = ModelPack.load(ProceduralPack.of(48, 6, 2, 2).source(), List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            CancelToken token = new CancelToken();
            Path out = dir.resolve("cancelled.mp4");
            RenderRequest req = request().withCancel(token).withProgress(p -> {
                if (p.clip() == 1) {
                    token.cancel();
                }
            });
            assertThrows(RenderCancelledException.class, () -> r.render(req, out));
            assertFalse(Files.exists(out));
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), "temporary files left behind");
            }
        }
    }
}
