package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
