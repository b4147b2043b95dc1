package io.github.emo4j.video;

import io.github.emo4j.face.FaceCrop;
import java.awt.image.BufferedImage;

/**
 * Pastes generated face crops back into the full-resolution portrait. Only the change the model made
 * ({@code generated - reference}) is enlarged and added, weighted by the crop's feathered mask, so the
 * portrait keeps its own resolution and every pixel outside the crop, or where the model changed
 * nothing, stays exactly as it was. Thread-safe: it holds no per-frame state.
 */
public final class Compositor {

    private final int width;
    private final int height;
    private final int[] portrait;
    private final float[] feather;
    private final int n;
    private final int rx0, ry0, rw, rh;   // the part of the portrait the crop covers
    private final int[] xi;
    private final float[] xf;
    private final int[] yi;
    private final float[] yf;

    /**
     * @param image the portrait; the output is its size rounded down to even (H.264 4:2:0 needs even sides)
     * @param crop  where the face crop lies in it
     */
    public Compositor(BufferedImage image, FaceCrop crop) {
        this.width = image.getWidth() & ~1;
        this.height = image.getHeight() & ~1;
        this.portrait = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < portrait.length; i++) {
            portrait[i] &= 0xFFFFFF;
        }
        this.n = crop.resolution();
        this.feather = crop.featherMask();
        rx0 = within((int) Math.floor(crop.x0()), width);
        ry0 = within((int) Math.floor(crop.y0()), height);
        rw = within((int) Math.ceil(crop.x0() + crop.side()), width) - rx0;
        rh = within((int) Math.ceil(crop.y0() + crop.side()), height) - ry0;
        double scale = n / crop.side();
        xi = new int[rw];
        xf = new float[rw];
        for (int i = 0; i < rw; i++) {
            double u = (rx0 + i + 0.5 - crop.x0()) * scale - 0.5;
            xi[i] = (int) Math.floor(u);
            xf[i] = (float) (u - xi[i]);
        }
        yi = new int[rh];
        yf = new float[rh];
        for (int i = 0; i < rh; i++) {
            double v = (ry0 + i + 0.5 - crop.y0()) * scale - 0.5;
            yi[i] = (int) Math.floor(v);
            yf[i] = (float) (v - yi[i]);
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * One output frame as packed {@code 0xRRGGBB} pixels.
     *
     * @param generated the model's frame, planar RGB in [0, 1] at the crop resolution
     * @param reference the reference crop the model started from, same layout
     * @param out       {@code width*height} pixels to fill, or {@code null} to allocate
     */
    public int[] compose(float[] generated, float[] reference, int[] out) {
        if (out == null) {
            out = new int[width * height];
        }
        System.arraycopy(portrait, 0, out, 0, out.length);
        int nn = n * n;
        float[] delta = new float[nn];
        float[] rows = new float[n * rw];
        float[][] region = new float[3][rw * rh];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < nn; i++) {
                delta[i] = (generated[c * nn + i] - reference[c * nn + i]) * feather[i] * 255f;
            }
            for (int y = 0; y < n; y++) {
                for (int i = 0; i < rw; i++) {
                    float a = delta[y * n + clamp(xi[i], n)], b = delta[y * n + clamp(xi[i] + 1, n)];
                    rows[y * rw + i] = a + (b - a) * xf[i];
                }
            }
            float[] reg = region[c];
            for (int j = 0; j < rh; j++) {
                int r0 = clamp(yi[j], n) * rw, r1 = clamp(yi[j] + 1, n) * rw;
                float f = yf[j];
                for (int i = 0; i < rw; i++) {
                    reg[j * rw + i] = rows[r0 + i] + (rows[r1 + i] - rows[r0 + i]) * f;
                }
            }
        }
        for (int j = 0; j < rh; j++) {
            int row = (ry0 + j) * width + rx0;
            for (int i = 0; i < rw; i++) {
                int k = j * rw + i;
                float dr = region[0][k], dg = region[1][k], db = region[2][k];
                if (dr == 0 && dg == 0 && db == 0) {
                    continue;
                }
                int p = out[row + i];
                int r = to8((p >> 16 & 0xFF) + dr), g = to8((p >> 8 & 0xFF) + dg), b = to8((p & 0xFF) + db);
                out[row + i] = r << 16 | g << 8 | b;
            }
        }
        return out;
    }

    private static int to8(float v) {
        int i = Math.round(v);
        return i < 0 ? 0 : (i > 255 ? 255 : i);
    }

    private static int within(int v, int limit) {
        return Math.max(0, Math.min(limit, v));
    }

    private static int clamp(int v, int n) {
        return v < 0 ? 0 : (v > n - 1 ? n - 1 : v);
    }
}
