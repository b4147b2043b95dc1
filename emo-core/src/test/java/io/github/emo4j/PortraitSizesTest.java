package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.video.Mp4Reader;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Awkward portrait sizes render: tiny, odd, and faces near the edge. */
class PortraitSizesTest {

    @TempDir
    Path dir;

    private static BufferedImage image(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 128);
            }
        }
        return img;
    }

    private static AudioClip halfSecond() {
        float[] s = new float[8000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.07));
        }
        return new AudioClip(s, 16000);
    }

    @Test
    void tinyOddAndEdgePortraitsRender() throws Exception {
        int[][] cases = {{64, 64, 16, 16, 32, 32}, {513, 511, 200, 180, 100, 110}, {300, 200, 0, 0, 60, 60}};
        try (EmoPipeline emo = EmoPipeline.builder().build()) {
            for (int[] c : cases) {
                Path out = dir.resolve("p" + c[0] + "x" + c[1] + ".mp4");
                RenderRequest req = RenderRequest.builder(image(c[0], c[1]), halfSecond())
                        .face(new FaceBox(c[2], c[3], c[4], c[5])).steps(1).build();
                emo.render(req, out);
                Mp4Reader.Info info = Mp4Reader.probe(out);
                assertEquals(c[0] & ~1, info.width(), "width of " + c[0] + "x" + c[1]);
                assertEquals(c[1] & ~1, info.height(), "height of " + c[0] + "x" + c[1]);
                assertEquals(13, info.videoFrames());
            }
        }
    }
}
