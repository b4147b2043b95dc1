package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompositorTest {

    private static BufferedImage noise(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(9);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return img;
    }

    @Test
    void anUnchangedCropReproducesThePortraitExactly() {
        BufferedImage img = noise(301, 211);
        FaceCrop crop = FaceCrop.around(new FaceBox(120, 60, 50, 60), 64);
        float[] ref = crop.extract(img);
        Compositor c = new Compositor(img, crop);
        assertEquals(300, c.width());
        assertEquals(210, c.height());
        int[] out = c.compose(ref, ref, null);
        for (int y = 0; y < 210; y++) {
            for (int x = 0; x < 300; x++) {
                assertEquals(img.getRGB(x, y) & 0xFFFFFF, out[y * 300 + x], "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void changesStayInsideTheCrop() {
        BufferedImage img = noise(200, 200);
        FaceCrop crop = FaceCrop.around(new FaceBox(70, 70, 40, 40), 32);
        float[] ref = crop.extract(img);
        float[] gen = new float[ref.length];
        java.util.Arrays.fill(gen, 1f);
        int[] out = new Compositor(img, crop).compose(gen, ref, null);
        int changedInside = 0;
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                boolean inside = x >= crop.x0() && x < crop.x0() + crop.side() && y >= crop.y0() && y < crop.y0() + crop.side();
                int before = img.getRGB(x, y) & 0xFFFFFF;
                if (!inside) {
                    assertEquals(before, out[y * 200 + x], "outside pixel " + x + "," + y);
                } else if (before != out[y * 200 + x]) {
                    changedInside++;
                }
            }
        }
        assertTrue(changedInside > 1000, "the crop's centre should change: " + changedInside);
    }

    @Test
    void cropsNearTheEdgeRepeatTheEdge() {
        BufferedImage img = noise(100, 100);
        FaceCrop crop = FaceCrop.around(new FaceBox(0, 0, 40, 40), 16);
        assertTrue(crop.x0() < 0 && crop.y0() < 0);
        float[] px = crop.extract(img);
        for (float v : px) {
            assertTrue(v >= 0 && v <= 1);
        }
    }
}
