package io.github.emo4j.video.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Four-channel JPEGs (CMYK, or YCCK as Adobe writes them) to sRGB. ImageIO can read their raster but
 * not convert it; this does a plain ink-to-light conversion, no ICC profile: adequate for a portrait's
 * face, not for print proofing.
 */
final class CmykJpeg {
    private CmykJpeg() {
    }

    /** The Adobe APP14 transform flag: 0 = CMYK, 2 = YCCK, -1 = no Adobe segment. */
    static int adobeTransform(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(1 << 17);
            int pos = 2;
            while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
                int marker = b[pos + 1] & 0xFF;
                int len = (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
                if (marker == 0xDA || len < 2) {
                    break;
                }
                if (marker == 0xEE && len >= 12 && pos + 15 < b.length && b[pos + 4] == 'A' && b[pos + 5] == 'd'
                        && b[pos + 6] == 'o' && b[pos + 7] == 'b' && b[pos + 8] == 'e') {
                    return b[pos + 15] & 0xFF;
                }
                pos += 2 + len;
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static BufferedImage toRgb(Raster r, int transform) throws IOException {
        if (r.getNumBands() != 4) {
            throw new IOException("unsupported JPEG with " + r.getNumBands() + " channels");
        }
        int w = r.getWidth(), h = r.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4 * w];
        // Adobe stores CMYK inverted (255 = no ink); a JPEG without the Adobe segment stores plain CMYK
        boolean inverted = transform >= 0;
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int a = px[4 * x], b = px[4 * x + 1], c = px[4 * x + 2], k = px[4 * x + 3];
                double cr, cg, cb;
                if (transform == 2) {
                    // YCCK: Y'CbCr of the inverted C, M, Y channels, plus (inverted) K
                    cr = a + 1.402 * (c - 128);
                    cg = a - 0.344136 * (b - 128) - 0.714136 * (c - 128);
                    cb = a + 1.772 * (b - 128);
                } else {
                    cr = a;
                    cg = b;
                    cb = c;
                }
                double kk = k;
                if (!inverted) {
                    cr = 255 - cr;
                    cg = 255 - cg;
                    cb = 255 - cb;
                    kk = 255 - kk;
                }
                int red = clamp(cr * kk / 255), green = clamp(cg * kk / 255), blue = clamp(cb * kk / 255);
                out.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        return out;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
