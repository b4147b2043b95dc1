package io.github.emo4j.video.compose;

import io.github.emo4j.face.FaceCrop;
import java.awt.image.BufferedImage;

/**
 * Pastes generated face crops back into the full-resolution portrait. Only the change the model made
 * ({@code generated - reference}) is enlarged and added, weighted by the crop's feathered mask, so the
 * portrait keeps its own resolution and every pixel outside the crop, or where the model changed
 * nothing, stays exactly as it was. Thread-safe: it holds no per-frame state; a thread that composes
 * many frames passes its own {@link Scratch} and allocates nothing per frame.
 */
public final class Compositor {

    private final int width;
    private final int height;
    private final int[] portrait;
    private final float[] feather;
    private final int n;
    private final int rx0, ry0, rw, rh;   // the part of the portrait the crop covers
    // source columns and rows of each covered pixel, clamped to the crop, and the weight of the second
    private final int[] x0, x1;
    private final float[] xf;
    private final int[] y0, y1;
    private final float[] yf;
    // a turned crop: per covered pixel, the top-left of its four crop samples (-1 outside) and the weights
    private final int[] tap;
    private final float[] tx, ty;

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
        if (crop.angle() != 0) {
            double[] xs = new double[4], ys = new double[4];
            for (int k = 0; k < 4; k++) {
                var corner = crop.toPortrait(k & 1, k >> 1);
                xs[k] = corner.x();
                ys[k] = corner.y();
            }
            rx0 = within((int) Math.floor(Math.min(Math.min(xs[0], xs[1]), Math.min(xs[2], xs[3]))), width);
            ry0 = within((int) Math.floor(Math.min(Math.min(ys[0], ys[1]), Math.min(ys[2], ys[3]))), height);
            rw = within((int) Math.ceil(Math.max(Math.max(xs[0], xs[1]), Math.max(xs[2], xs[3]))), width) - rx0;
            rh = within((int) Math.ceil(Math.max(Math.max(ys[0], ys[1]), Math.max(ys[2], ys[3]))), height) - ry0;
            tap = new int[rw * rh];
            tx = new float[rw * rh];
            ty = new float[rw * rh];
            for (int j = 0; j < rh; j++) {
                for (int i = 0; i < rw; i++) {
                    double[] uv = crop.toCrop(rx0 + i + 0.5, ry0 + j + 0.5);
                    double u = uv[0] * n - 0.5, v = uv[1] * n - 0.5;
                    int k = j * rw + i;
                    if (u < -0.5 || v < -0.5 || u > n - 0.5 || v > n - 0.5) {
                        tap[k] = -1;
                        continue;
                    }
                    int iu = (int) Math.floor(u), iv = (int) Math.floor(v);
                    tx[k] = (float) (u - iu);
                    ty[k] = (float) (v - iv);
                    tap[k] = (iv + 1) * (n + 2) + iu + 1; // both may be -1 at the crop's edge
                }
            }
            x0 = x1 = y0 = y1 = null;
            xf = yf = null;
            return;
        }
        tap = null;
        tx = ty = null;
        rx0 = within((int) Math.floor(crop.x0()), width);
        ry0 = within((int) Math.floor(crop.y0()), height);
        rw = within((int) Math.ceil(crop.x0() + crop.side()), width) - rx0;
        rh = within((int) Math.ceil(crop.y0() + crop.side()), height) - ry0;
        double scale = n / crop.side();
        x0 = new int[rw];
        x1 = new int[rw];
        xf = new float[rw];
        for (int i = 0; i < rw; i++) {
            double u = (rx0 + i + 0.5 - crop.x0()) * scale - 0.5;
            int k = (int) Math.floor(u);
            x0[i] = clamp(k, n);
            x1[i] = clamp(k + 1, n);
            xf[i] = (float) (u - k);
        }
        y0 = new int[rh];
        y1 = new int[rh];
        yf = new float[rh];
        for (int i = 0; i < rh; i++) {
            double v = (ry0 + i + 0.5 - crop.y0()) * scale - 0.5;
            int k = (int) Math.floor(v);
            y0[i] = clamp(k, n);
            y1[i] = clamp(k + 1, n);
            yf[i] = (float) (v - k);
        }
    }

    /**
     * Width of the composited frames: the portrait's.
     *
     * @return pixels
     */
    public int width() {
        return width;
    }

    /**
     * Height of the composited frames: the portrait's.
     *
     * @return pixels
     */
    public int height() {
        return height;
    }

    /**
     * Working memory for {@link #compose(float[], float[], int[], Scratch)}: one per thread that
     * composes, so frames after the first allocate nothing.
     */
    public final class Scratch {
        // a turned crop samples the whole change; an upright one needs two resampled source rows at a time
        private final float[] delta = tap == null ? new float[0] : new float[3 * n * n];
        private final float[] upper = tap == null ? new float[3 * rw] : new float[0];
        private final float[] lower = tap == null ? new float[3 * rw] : new float[0];
    }

    /**
     * Working memory sized for this compositor, for one thread.
     *
     * @return new scratch space
     */
    public Scratch scratch() {
        return new Scratch();
    }

    /**
     * One output frame: the generated crop's change against the reference pasted into the portrait.
     *
     * @param generated the model's frame, planar RGB in [0, 1] at the crop resolution
     * @param reference the reference crop the model started from, same layout
     * @param out       {@code width*height} pixels to fill, or {@code null} to allocate
     * @return {@code out}, as packed {@code 0xRRGGBB} pixels
     */
    public int[] compose(float[] generated, float[] reference, int[] out) {
        return compose(generated, reference, out, new Scratch());
    }

    /**
     * As {@link #compose(float[], float[], int[])}, without allocating.
     *
     * @param generated the model's frame, planar RGB in [0, 1] at the crop resolution
     * @param reference the reference crop the model started from, same layout
     * @param out       {@code width*height} pixels to fill, or {@code null} to allocate
     * @param scratch   working memory from this compositor's {@link #scratch()}
     * @return {@code out}, as packed {@code 0xRRGGBB} pixels
     */
    public int[] compose(float[] generated, float[] reference, int[] out, Scratch scratch) {
        if (out == null) {
            out = new int[width * height];
        }
        System.arraycopy(portrait, 0, out, 0, out.length);
        if (tap != null) {
            int nn = n * n;
            float[] delta = scratch.delta;
            for (int c = 0; c < 3; c++) {
                int o = c * nn;
                for (int i = 0; i < nn; i++) {
                    delta[o + i] = (generated[o + i] - reference[o + i]) * feather[i];
                }
            }
            return composeTurned(delta, out);
        }
        // each output row blends two source rows of the change, resampled across; consecutive output rows
        // share source rows, so the two last resampled are kept and the change is never held whole
        float[] upper = scratch.upper, lower = scratch.lower;
        int upperRow = -1, lowerRow = -1;
        for (int j = 0; j < rh; j++) {
            int s0 = y0[j], s1 = y1[j];
            if (upperRow != s0) {
                if (lowerRow == s0) {
                    float[] t = upper;
                    upper = lower;
                    lower = t;
                    lowerRow = -1;
                } else {
                    resampleRow(generated, reference, s0, upper);
                }
                upperRow = s0;
            }
            if (lowerRow != s1 && s1 != s0) {
                resampleRow(generated, reference, s1, lower);
                lowerRow = s1;
            }
            float[] r1 = s1 == s0 ? upper : lower;
            float f = yf[j];
            int row = (ry0 + j) * width + rx0;
            for (int i = 0; i < rw; i++) {
                float a = upper[i], dr = a + (r1[i] - a) * f;
                a = upper[rw + i];
                float dg = a + (r1[rw + i] - a) * f;
                a = upper[2 * rw + i];
                float db = a + (r1[2 * rw + i] - a) * f;
                if (dr == 0 && dg == 0 && db == 0) {
                    continue;
                }
                int p = out[row + i];
                out[row + i] = to8((p >> 16 & 0xFF) + dr) << 16 | to8((p >> 8 & 0xFF) + dg) << 8 | to8((p & 0xFF) + db);
            }
        }
        return out;
    }

    /**
     * Source row {@code y} of the feathered change, {@code (generated − reference) × feather}, resampled to
     * the covered columns, times 255, into {@code into} ({@code [3][rw]}).
     */
    private void resampleRow(float[] generated, float[] reference, int y, float[] into) {
        int nn = n * n, fr = y * n;
        for (int c = 0; c < 3; c++) {
            int src = c * nn + fr, dst = c * rw;
            for (int i = 0; i < rw; i++) {
                int k0 = x0[i], k1 = x1[i];
                float a = (generated[src + k0] - reference[src + k0]) * feather[fr + k0];
                float b = (generated[src + k1] - reference[src + k1]) * feather[fr + k1];
                into[dst + i] = (a + (b - a) * xf[i]) * 255f;
            }
        }
    }

    /** Paste-back of a turned crop: each covered pixel samples the change bilinearly, edges clamped. */
    private int[] composeTurned(float[] delta, int[] out) {
        int nn = n * n;
        for (int j = 0; j < rh; j++) {
            int row = (ry0 + j) * width + rx0;
            for (int i = 0; i < rw; i++) {
                int k = j * rw + i, t = tap[k];
                if (t < 0) {
                    continue;
                }
                int iu = t % (n + 2) - 1, iv = t / (n + 2) - 1;
                int a = clamp(iv, n) * n, b = clamp(iv + 1, n) * n, l = clamp(iu, n), r = clamp(iu + 1, n);
                float fx = tx[k], fy = ty[k];
                float dr = sample(delta, 0, a, b, l, r, fx, fy);
                float dg = sample(delta, nn, a, b, l, r, fx, fy);
                float db = sample(delta, 2 * nn, a, b, l, r, fx, fy);
                if (dr == 0 && dg == 0 && db == 0) {
                    continue;
                }
                int p = out[row + i];
                out[row + i] = to8((p >> 16 & 0xFF) + dr) << 16 | to8((p >> 8 & 0xFF) + dg) << 8 | to8((p & 0xFF) + db);
            }
        }
        return out;
    }

    /** One channel's change at a covered pixel, bilinear between rows {@code a}, {@code b} and columns {@code l}, {@code r}, times 255. */
    private static float sample(float[] delta, int o, int a, int b, int l, int r, float fx, float fy) {
        float top = delta[o + a + l] + (delta[o + a + r] - delta[o + a + l]) * fx;
        float bottom = delta[o + b + l] + (delta[o + b + r] - delta[o + b + l]) * fx;
        return (top + (bottom - top) * fy) * 255f;
    }

    /** Rounds half up, as {@code Math.round} does, and clamps to 0..255. */
    private static int to8(float v) {
        // floor by truncation of a positive double: v + 0.5f rounded as a float, then shifted exactly (a
        // float has 24 significant bits, a double 53), so this is Math.floor's answer without its call
        double shifted = (double) (v + 0.5f) + 1024.0;
        int i = shifted <= 0 ? -1 : (int) shifted - 1024;
        return Math.max(0, Math.min(255, i));
    }

    private static int within(int v, int limit) {
        return Math.max(0, Math.min(limit, v));
    }

    private static int clamp(int v, int n) {
        return v < 0 ? 0 : (v > n - 1 ? n - 1 : v);
    }
}
