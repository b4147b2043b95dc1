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
        return clamp8(Math.round(16 + 0.256788f * r + 0.504129f * g + 0.097906f * b));
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
        return clamp8(Math.round(128 - 0.148223f * r - 0.290993f * g + 0.439216f * b));
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
        return clamp8(Math.round(128 + 0.439216f * r - 0.367788f * g - 0.071427f * b));
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
        int r = clamp8(Math.round(c + 1.596027f * e));
        int g = clamp8(Math.round(c - 0.391762f * d - 0.812968f * e));
        int b = clamp8(Math.round(c + 2.017232f * d));
        return r << 16 | g << 8 | b;
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
        for (int y = 0; y < ph; y++) {
            int sy = Math.min(y, height - 1);
            for (int x = 0; x < pw; x++) {
                int p = rgb[sy * width + Math.min(x, width - 1)];
                yp[y * stride + x] = (byte) (Bt601.y(p >> 16 & 0xFF, p >> 8 & 0xFF, p & 0xFF) - 128);
            }
        }
        for (int cy = 0; cy < ph / 2; cy++) {
            for (int cx = 0; cx < pw / 2; cx++) {
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
