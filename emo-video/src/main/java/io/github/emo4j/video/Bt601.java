package io.github.emo4j.video;

import org.jcodec.common.model.Picture;

/**
 * RGB ↔ Y'CbCr by ITU-R BT.601 in limited ("TV") range, Y' 16–235 and Cb/Cr 16–240: what an H.264
 * stream without colour signalling is decoded as by browsers and players. JCodec's own conversion uses
 * luma weights that sum to 242/256, which turns mid-grey 128 into 122; this one round-trips.
 */
final class Bt601 {
    private Bt601() {
    }

    /**
     * Limited-range luma of an 8-bit RGB pixel.
     *
     * @param r red, 0 to 255
     * @param g green, 0 to 255
     * @param b blue, 0 to 255
     * @return Y', 16 to 235
     */
    public static int y(int r, int g, int b) {
        return clamp8(round(16 + 0.256788f * r + 0.504129f * g + 0.097906f * b));
    }

    /**
     * Limited-range blue-difference chroma, from RGB averaged over the chroma sample's pixels.
     *
     * @param r red, 0 to 255
     * @param g green, 0 to 255
     * @param b blue, 0 to 255
     * @return Cb, 16 to 240
     */
    public static int cb(float r, float g, float b) {
        return clamp8(round(128 - 0.148223f * r - 0.290993f * g + 0.439216f * b));
    }

    /**
     * Limited-range red-difference chroma, from RGB averaged over the chroma sample's pixels.
     *
     * @param r red, 0 to 255
     * @param g green, 0 to 255
     * @param b blue, 0 to 255
     * @return Cr, 16 to 240
     */
    public static int cr(float r, float g, float b) {
        return clamp8(round(128 + 0.439216f * r - 0.367788f * g - 0.071427f * b));
    }

    /**
     * Packed RGB from limited-range Y'CbCr.
     *
     * @param y  luma
     * @param cb blue-difference chroma
     * @param cr red-difference chroma
     * @return {@code 0xRRGGBB}
     */
    public static int rgb(int y, int cb, int cr) {
        float c = 1.164384f * (y - 16), d = cb - 128, e = cr - 128;
        int r = clamp8(round(c + 1.596027f * e));
        int g = clamp8(round(c - 0.391762f * d - 0.812968f * e));
        int b = clamp8(round(c + 2.017232f * d));
        return r << 16 | g << 8 | b;
    }

    /**
     * {@code Math.round} for the values a conversion makes (well within ±1000): the float widened, a half
     * added and the sum shifted positive, all exact in a double, then truncated. It gives Math.round's
     * answer for every float in that range ({@code Bt601Test} checks every colour), without its branches.
     */
    private static int round(float v) {
        return (int) ((double) v + 1024.5) - 1024;
    }

    static int clamp8(int v) {
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    /**
     * Fills {@code picture} (4:2:0, its planes as JCodec's signed bytes) from packed {@code 0xRRGGBB}
     * pixels of a {@code width} × {@code height} frame, repeating the last row and column into the padding
     * up to the picture's size.
     */
    static void toPicture(int[] rgb, int width, int height, Picture picture) {
        byte[][] planes = picture.getData();
        byte[] yp = planes[0], up = planes[1], vp = planes[2];
        int stride = picture.getPlaneWidth(0), cstride = picture.getPlaneWidth(1);
        int pw = picture.getWidth(), ph = picture.getHeight();
        // a frame's sides are even, so every chroma sample inside it averages four pixels of the frame; the
        // padding beyond it is filled by the clamping loop (H.264 codes whole macroblocks)
        int cw = Math.min(width, pw) / 2, chh = Math.min(height, ph) / 2;
        for (int cy = 0; cy < chh; cy++) {
            int top = 2 * cy * width, bottom = top + width;
            int ytop = 2 * cy * stride, ybottom = ytop + stride, c = cy * cstride;
            for (int cx = 0; cx < cw; cx++) {
                int x = 2 * cx;
                int p0 = rgb[top + x], p1 = rgb[top + x + 1], p2 = rgb[bottom + x], p3 = rgb[bottom + x + 1];
                yp[ytop + x] = luma(p0);
                yp[ytop + x + 1] = luma(p1);
                yp[ybottom + x] = luma(p2);
                yp[ybottom + x + 1] = luma(p3);
                // the sums are small integers, exact in float, as the clamping loop adds them
                float r = (p0 >> 16 & 0xFF) + (p1 >> 16 & 0xFF) + (p2 >> 16 & 0xFF) + (p3 >> 16 & 0xFF);
                float g = (p0 >> 8 & 0xFF) + (p1 >> 8 & 0xFF) + (p2 >> 8 & 0xFF) + (p3 >> 8 & 0xFF);
                float b = (p0 & 0xFF) + (p1 & 0xFF) + (p2 & 0xFF) + (p3 & 0xFF);
                up[c + cx] = (byte) (cb(r / 4, g / 4, b / 4) - 128);
                vp[c + cx] = (byte) (cr(r / 4, g / 4, b / 4) - 128);
            }
        }
        if (2 * cw < pw || 2 * chh < ph) {
            padding(rgb, width, height, picture, 2 * cw, 2 * chh);
        }
    }

    private static byte luma(int p) {
        return (byte) (y(p >> 16 & 0xFF, p >> 8 & 0xFF, p & 0xFF) - 128);
    }

    /**
     * The picture's samples right of column {@code doneW} or below row {@code doneH}: the frame's edge
     * pixels repeated (and any odd last row or column the fast loop left).
     */
    private static void padding(int[] rgb, int width, int height, Picture picture, int doneW, int doneH) {
        byte[][] planes = picture.getData();
        byte[] yp = planes[0], up = planes[1], vp = planes[2];
        int stride = picture.getPlaneWidth(0), cstride = picture.getPlaneWidth(1);
        int pw = picture.getWidth(), ph = picture.getHeight();
        for (int y = 0; y < ph; y++) {
            int sy = Math.min(y, height - 1);
            for (int x = y < doneH ? doneW : 0; x < pw; x++) {
                yp[y * stride + x] = luma(rgb[sy * width + Math.min(x, width - 1)]);
            }
        }
        for (int cy = 0; cy < ph / 2; cy++) {
            for (int cx = 2 * cy < doneH ? doneW / 2 : 0; cx < pw / 2; cx++) {
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < 4; k++) {
                    int sx = Math.min(2 * cx + (k & 1), width - 1), sy = Math.min(2 * cy + (k >> 1), height - 1);
                    int p = rgb[sy * width + sx];
                    r += p >> 16 & 0xFF;
                    g += p >> 8 & 0xFF;
                    b += p & 0xFF;
                }
                up[cy * cstride + cx] = (byte) (Bt601.cb(r / 4, g / 4, b / 4) - 128);
                vp[cy * cstride + cx] = (byte) (Bt601.cr(r / 4, g / 4, b / 4) - 128);
            }
        }
    }
}
