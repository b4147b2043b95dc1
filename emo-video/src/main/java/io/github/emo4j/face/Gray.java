package io.github.emo4j.face;

import java.awt.image.BufferedImage;

/** Luma planes for detection: ITU-R BT.601 weights on 0..255 values, resized with {@link Resample}. */
final class Gray {
    private Gray() {
    }

    static float[] of(BufferedImage img, int outW, int outH) {
        int w = img.getWidth(), h = img.getHeight();
        float[] full = new float[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                full[y * w + x] = 0.299f * (p >> 16 & 0xFF) + 0.587f * (p >> 8 & 0xFF) + 0.114f * (p & 0xFF);
            }
        }
        return resize(full, w, h, outW, outH);
    }

    static float[] resize(float[] src, int w, int h, int ow, int oh) {
        return ow == w && oh == h ? src : Resample.resize(src, w, h, ow, oh);
    }
}
