package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.Test;

/** The frame-to-picture conversion equals its definition, pixel by pixel, with and without padding. */
class Bt601Test {

    @Test
    void conversionEqualsTheDefinitionInsideTheFrameAndInItsPadding() {
        Random random = new Random(7);
        int[][] sizes = {{640, 640}, {34, 18}, {48, 32}, {35, 17}, {2, 2}, {30, 46}};
        for (int[] size : sizes) {
            int w = size[0], h = size[1];
            int[] rgb = new int[w * h];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = random.nextInt(1 << 24);
            }
            int pw = (w + 15) & ~15, ph = (h + 15) & ~15;
            Picture fast = Picture.create(pw, ph, ColorSpace.YUV420J);
            Picture slow = Picture.create(pw, ph, ColorSpace.YUV420J);
            Bt601.toPicture(rgb, w, h, fast);
            definition(rgb, w, h, slow);
            for (int p = 0; p < 3; p++) {
                assertArrayEquals(slow.getPlaneData(p), fast.getPlaneData(p), w + "x" + h + ", plane " + p);
            }
        }
    }

    /** Every luma sample from its clamped pixel, every chroma sample from the mean of its four clamped pixels. */
    private static void definition(int[] rgb, int width, int height, Picture picture) {
        int stride = picture.getPlaneWidth(0), cstride = picture.getPlaneWidth(1);
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int p = rgb[Math.min(y, height - 1) * width + Math.min(x, width - 1)];
                picture.getPlaneData(0)[y * stride + x] = (byte) (Bt601.y(p >> 16 & 0xFF, p >> 8 & 0xFF, p & 0xFF) - 128);
            }
        }
        for (int cy = 0; cy < picture.getHeight() / 2; cy++) {
            for (int cx = 0; cx < picture.getWidth() / 2; cx++) {
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < 4; k++) {
                    int p = rgb[Math.min(2 * cy + (k >> 1), height - 1) * width + Math.min(2 * cx + (k & 1), width - 1)];
                    r += p >> 16 & 0xFF;
                    g += p >> 8 & 0xFF;
                    b += p & 0xFF;
                }
                picture.getPlaneData(1)[cy * cstride + cx] = (byte) (Bt601.cb(r / 4, g / 4, b / 4) - 128);
                picture.getPlaneData(2)[cy * cstride + cx] = (byte) (Bt601.cr(r / 4, g / 4, b / 4) - 128);
            }
        }
    }

    /** The conversion rounds as {@code Math.round} does, for every 8-bit colour and every chroma average of four. */
    @Test
    void roundingIsMathRoundsForEveryColour() {
        for (int r = 0; r < 256; r++) {
            for (int g = 0; g < 256; g++) {
                for (int b = 0; b < 256; b++) {
                    int y = Bt601.clamp8(Math.round(16 + 0.256788f * r + 0.504129f * g + 0.097906f * b));
                    if (Bt601.y(r, g, b) != y) {
                        assertEquals(y, Bt601.y(r, g, b), "luma of " + r + "," + g + "," + b);
                    }
                }
            }
        }
        // chroma takes sums of four pixels over 4: every red and green sum, a third of the blue ones
        for (int r = 0; r <= 1020; r++) {
            for (int g = 0; g <= 1020; g++) {
                for (int b = 0; b <= 1020; b += 3) {
                    float rr = r / 4f, gg = g / 4f, bb = b / 4f;
                    int cb = Bt601.clamp8(Math.round(128 - 0.148223f * rr - 0.290993f * gg + 0.439216f * bb));
                    int cr = Bt601.clamp8(Math.round(128 + 0.439216f * rr - 0.367788f * gg - 0.071427f * bb));
                    if (Bt601.cb(rr, gg, bb) != cb || Bt601.cr(rr, gg, bb) != cr) {
                        assertEquals(cb + "," + cr, Bt601.cb(rr, gg, bb) + "," + Bt601.cr(rr, gg, bb),
                                "chroma of " + rr + "," + gg + "," + bb);
                    }
                }
            }
        }
        for (int y = 0; y < 256; y++) {
            for (int c = 0; c < 256; c += 5) {
                for (int d = 0; d < 256; d += 5) {
                    float l = 1.164384f * (y - 16), e = c - 128, f = d - 128;
                    int rgb = Bt601.clamp8(Math.round(l + 1.596027f * f)) << 16
                            | Bt601.clamp8(Math.round(l - 0.391762f * e - 0.812968f * f)) << 8
                            | Bt601.clamp8(Math.round(l + 2.017232f * e));
                    if (Bt601.rgb(y, c, d) != rgb) {
                        assertEquals(rgb, Bt601.rgb(y, c, d), "RGB of " + y + "," + c + "," + d);
                    }
                }
            }
        }
    }
}
