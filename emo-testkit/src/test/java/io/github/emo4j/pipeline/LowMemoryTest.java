package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.onnx.SessionSettings;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.testkit.SyntheticPack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With low memory, the networks a render needs only at its start are closed once they have run and
 * opened again by the next render; the videos are the bytes the resident pack makes, also when
 * renders run side by side.
 */
class LowMemoryTest {

    @TempDir
    Path dir;

    private static RenderRequest request() {
        float[] s = new float[8000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.max(0, Math.sin(i / 16000.0 * 9)));
        }
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | 90);
            }
        }
        return RenderRequest.builder(img, new AudioClip(s, 16000)).face(new FaceBox(24, 24, 48, 48)).steps(2).build();
    }

    private byte[] render(ModelPack pack, String name) throws Exception {
        Path out = dir.resolve(name);
        new Renderer(pack).render(RenderSpec.of(request()), out);
        return Files.readAllBytes(out);
    }

    @Test
    void startOnlyNetworksAreReleasedAndTheVideoIsTheSame() throws Exception {
        for (SyntheticPack sp : List.of(new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7),
                new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).inHalloLayout())) {
            byte[] resident;
            try (ModelPack pack = ModelPack.load(sp.source(), List.of(ExecutionProvider.CPU), SessionSettings.DEFAULT.withThreads(1))) {
                resident = render(pack, sp.layout() + "-resident.mp4");
                for (Role r : Role.values()) {
                    if (pack.has(r)) {
                        assertTrue(pack.component(r).isOpen(), r + " stays loaded by default");
                    }
                }
            }
            SessionSettings low = SessionSettings.DEFAULT.withThreads(1).withLowMemory(true);
            try (ModelPack pack = ModelPack.load(sp.source(), List.of(ExecutionProvider.CPU), low)) {
                boolean hallo = sp.layout() == SyntheticPack.Layout.HALLO;
                assertFalse(pack.component(Role.AUDIO_ENCODER).isOpen(), "released right after loading");
                assertEquals(hallo, pack.component(Role.REFERENCE_NET).isOpen(),
                        "the ReferenceNet stays when motion frames go through it every clip");
                for (int k = 0; k < 2; k++) {
                    assertArrayEquals(resident, render(pack, sp.layout() + "-low" + k + ".mp4"), "render " + k);
                    assertFalse(pack.component(Role.AUDIO_ENCODER).isOpen(), "released again after render " + k);
                    assertFalse(pack.component(Role.FACE_LOCATOR).isOpen());
                    assertTrue(pack.component(Role.DENOISING_UNET).isOpen(), "per-clip networks stay loaded");
                    if (hallo) {
                        assertFalse(pack.component(Role.VOCAL_SEPARATOR).isOpen());
                        assertFalse(pack.component(Role.IMAGE_PROJECTION).isOpen());
                    }
                }
            }
        }
    }

    @Test
    void concurrentRendersShareReleasedNetworksSafely() throws Exception {
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        SessionSettings low = SessionSettings.DEFAULT.withThreads(1).withLowMemory(true);
        try (ModelPack pack = ModelPack.load(sp.source(), List.of(ExecutionProvider.CPU), low)) {
            byte[] expected = render(pack, "first.mp4");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<byte[]>> runs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    runs.add(pool.submit(() -> render(pack, "c" + n + ".mp4")));
                }
                for (Future<byte[]> f : runs) {
                    assertArrayEquals(expected, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertFalse(pack.component(Role.AUDIO_ENCODER).isOpen());
        }
    }
}
