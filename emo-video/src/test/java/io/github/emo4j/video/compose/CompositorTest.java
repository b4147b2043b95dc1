package io.github.emo4j.video.compose;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import java.awt.image.BufferedImage;
import java.util.List;
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

    /** Bilinear resampling of the weighted change, written per pixel: the definition the fast path must meet. */
    @Test
    void matchesPerPixelBilinearPasteBack() {
        BufferedImage img = noise(300, 260);
        FaceCrop crop = FaceCrop.around(new FaceBox(100, 70, 70, 80), 48);
        float[] ref = crop.extract(img);
        float[] gen = new float[ref.length];
        Random rnd = new Random(4);
        for (int i = 0; i < gen.length; i++) {
            gen[i] = Math.min(1, Math.max(0, ref[i] + (float) rnd.nextGaussian() * 0.2f));
        }
        Compositor c = new Compositor(img, crop);
        Compositor.Scratch scratch = c.scratch();
        int[] out = c.compose(gen, ref, null, scratch);
        int[] again = c.compose(gen, ref, new int[out.length], scratch);
        assertArrayEquals(out, again, "a reused scratch gives the same frame");
        int n = crop.resolution();
        float[] feather = crop.featherMask();
        double scale = n / crop.side();
        int worst = 0;
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                int before = img.getRGB(x, y) & 0xFFFFFF;
                boolean inside = x >= Math.floor(crop.x0()) && x < Math.ceil(crop.x0() + crop.side())
                        && y >= Math.floor(crop.y0()) && y < Math.ceil(crop.y0() + crop.side());
                int want = before;
                if (inside) {
                    double u = (x + 0.5 - crop.x0()) * scale - 0.5, v = (y + 0.5 - crop.y0()) * scale - 0.5;
                    int u0 = (int) Math.floor(u), v0 = (int) Math.floor(v);
                    double fu = u - u0, fv = v - v0;
                    want = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        double d = 0;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                int sx = Math.max(0, Math.min(n - 1, u0 + dx)), sy = Math.max(0, Math.min(n - 1, v0 + dy));
                                int k = sy * n + sx;
                                double w = (dx == 0 ? 1 - fu : fu) * (dy == 0 ? 1 - fv : fv);
                                d += w * (gen[ch * n * n + k] - ref[ch * n * n + k]) * feather[k];
                            }
                        }
                        int shift = 16 - 8 * ch;
                        int value = (int) Math.max(0, Math.min(255, Math.round((before >> shift & 0xFF) + 255 * d)));
                        want |= value << shift;
                    }
                }
                int got = out[y * c.width() + x];
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs((got >> shift & 0xFF) - (want >> shift & 0xFF)));
                }
            }
        }
        assertTrue(worst <= 1, "largest difference from the per-pixel definition: " + worst + " levels");
    }

    @Test
    void aTurnedCropChangesOnlyInsideItselfAndPastesBackWhatItTook() {
        BufferedImage portrait = new BufferedImage(240, 200, BufferedImage.TYPE_INT_RGB);
        BufferedImage changed = new BufferedImage(240, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 240; x++) {
                int v = (x + 2 * y) % 200 + 20;
                portrait.setRGB(x, y, v << 16 | (255 - v) << 8 | 90);
                changed.setRGB(x, y, v << 16 | (255 - v) << 8 | 150);
            }
        }
        FaceCrop crop = new FaceCrop(new FaceBox(90, 70, 60, 60), 80, 40, 100, 96, List.of(),
                Math.toRadians(15));
        Compositor comp = new Compositor(portrait, crop);
        float[] reference = crop.extract(portrait);
        int[] same = comp.compose(reference, reference, null);
        int[] original = portrait.getRGB(0, 0, 240, 200, null, 0, 240);
        for (int i = 0; i < original.length; i++) {
            original[i] &= 0xFFFFFF;
        }
        assertArrayEquals(original, same, "no change, no difference");
        int[] out = comp.compose(crop.extract(changed), reference, null);
        int insideChecked = 0;
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 240; x++) {
                int o = out[y * 240 + x], p = portrait.getRGB(x, y) & 0xFFFFFF;
                if (!crop.contains(x + 0.5, y + 0.5)) {
                    assertEquals(p, o, "outside the turned crop at " + x + "," + y);
                }
                double[] uv = crop.toCrop(x + 0.5, y + 0.5);
                if (uv[0] > 0.3 && uv[0] < 0.7 && uv[1] > 0.3 && uv[1] < 0.7) {
                    assertEquals(150, o & 0xFF, 3, "the new blue pasted back at " + x + "," + y);
                    insideChecked++;
                }
            }
        }
        assertTrue(insideChecked > 1000);
    }
}
