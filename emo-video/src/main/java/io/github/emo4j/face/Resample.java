package io.github.emo4j.face;

/**
 * Separable resampling of float planes between a source window and an output grid. Shrinking averages
 * the source area under each output pixel (no aliasing); enlarging interpolates linearly between pixel
 * centres. Source reads outside the plane are clamped to its edge.
 */
public final class Resample {
    private Resample() {
    }

    /**
     * Samples the square window {@code [x0, x0+side) × [y0, y0+side)} of a plane onto an {@code n×n} grid,
     * area-averaged when shrinking, edges clamped.
     *
     * @param src  the plane, row-major
     * @param w    its width
     * @param h    its height
     * @param x0   the window's left edge
     * @param y0   the window's top edge
     * @param side the window's side
     * @param n    the grid's side
     * @return {@code n²} samples
     */
    public static float[] window(float[] src, int w, int h, double x0, double y0, double side, int n) {
        float[] tmp = new float[n * h];
        for (int y = 0; y < h; y++) {
            line(src, y * w, 1, w, x0, side, tmp, y * n, 1, n);
        }
        float[] out = new float[n * n];
        for (int x = 0; x < n; x++) {
            line(tmp, x, n, h, y0, side, out, x, n, n);
        }
        return out;
    }

    /**
     * Resizes a whole plane.
     *
     * @param src the plane, row-major
     * @param w   its width
     * @param h   its height
     * @param ow  the new width
     * @param oh  the new height
     * @return {@code ow×oh} samples
     */
    public static float[] resize(float[] src, int w, int h, int ow, int oh) {
        if (ow == w && oh == h) {
            return src.clone();
        }
        float[] tmp = new float[ow * h];
        for (int y = 0; y < h; y++) {
            line(src, y * w, 1, w, 0, w, tmp, y * ow, 1, ow);
        }
        float[] out = new float[ow * oh];
        for (int x = 0; x < ow; x++) {
            line(tmp, x, ow, h, 0, h, out, x, ow, oh);
        }
        return out;
    }

    /**
     * One line: source samples {@code s[so + j*ss]}, {@code j < n}; the window {@code [a0, a0+len)} is
     * mapped onto {@code m} outputs {@code d[dof + i*ds]}.
     */
    static void line(float[] s, int so, int ss, int n, double a0, double len, float[] d, int dof, int ds, int m) {
        double scale = len / m;
        for (int i = 0; i < m; i++) {
            double v;
            if (scale <= 1) {
                double c = a0 + (i + 0.5) * scale - 0.5;
                int j0 = (int) Math.floor(c);
                double f = c - j0;
                v = s[so + clamp(j0, n) * ss] * (1 - f) + s[so + clamp(j0 + 1, n) * ss] * f;
            } else {
                double a = a0 + i * scale, b = a + scale;
                double acc = 0;
                for (int j = (int) Math.floor(a); j < b; j++) {
                    double lo = Math.max(a, j), hi = Math.min(b, j + 1);
                    acc += s[so + clamp(j, n) * ss] * (hi - lo);
                }
                v = acc / scale;
            }
            d[dof + i * ds] = (float) v;
        }
    }

    private static int clamp(int j, int n) {
        return j < 0 ? 0 : (j >= n ? n - 1 : j);
    }
}
