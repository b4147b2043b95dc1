package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.testkit.SyntheticPack;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** A pack whose denoiser and decoder take float16 renders like its float32 twin, converted at the boundaries. */
class HalfPrecisionTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SyntheticPack.Layout.class)
    void aHalfPrecisionPackRendersLikeItsFloatTwin(SyntheticPack.Layout layout) throws Exception {
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | 100);
            }
        }
        float[] s = new float[4800];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        RenderRequest req = RenderRequest.builder(img, new AudioClip(s, 16000)).face(new FaceBox(32, 32, 64, 64))
                .steps(2).seed(3).build();
        List<float[]> full = frames(new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7, false, layout), req);
        List<float[]> half = frames(new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7, true, layout), req);
        assertEquals(full.size(), half.size());
        double worst = 0;
        for (int i = 0; i < full.size(); i++) {
            for (int k = 0; k < full.get(i).length; k++) {
                worst = Math.max(worst, Math.abs(full.get(i)[k] - half.get(i)[k]));
            }
        }
        System.out.println(layout + ": float16 against float32, largest pixel difference " + worst);
        assertTrue(worst > 0, "the float16 path should differ by rounding");
        // rounding alone moves pixels by about 5e-4; per-clip inputs not converted again move them by 0.25
        assertTrue(worst < 0.005, "float16 boundaries changed pixels by " + worst);
    }

    private List<float[]> frames(SyntheticPack sp, RenderRequest req) {
        List<float[]> out = new ArrayList<>();
        try (ModelPack pack = ModelPack.load(sp.source(), List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            r.observe((clip, pixels, valid) -> out.add(pixels));
            r.render(RenderSpec.of(req), dir.resolve(sp.layout() + (sp.half() ? "-h.mp4" : "-f.mp4")));
        }
        return out;
    }
}
