package io.github.emo4j.video.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The EXIF orientation of a JPEG (tag 0x0112, values 1 to 8), and the turn that shows the photo the
 * way its camera meant. Phone portraits are usually stored sideways with orientation 6 or 8.
 */
public final class ExifOrientation {
    private ExifOrientation() {
    }

    /**
     * The EXIF orientation stored in a JPEG.
     *
     * @param file the JPEG
     * @return 1 to 8, or 1 (as stored) when there is none or it cannot be read
     */
    public static int read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(1 << 17);
            return parse(head);
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    static int parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return 1;
        }
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return 1;
            }
            int marker = b[pos + 1] & 0xFF;
            int len = (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
            if (marker == 0xDA || len < 2) {
                return 1;
            }
            int seg = pos + 4;
            if (marker == 0xE1 && seg + 14 <= b.length && b[seg] == 'E' && b[seg + 1] == 'x' && b[seg + 2] == 'i'
                    && b[seg + 3] == 'f' && b[seg + 4] == 0 && b[seg + 5] == 0) {
                return tiffOrientation(b, seg + 6, Math.min(b.length, pos + 2 + len));
            }
            pos += 2 + len;
        }
        return 1;
    }

    private static int tiffOrientation(byte[] b, int tiff, int end) {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, end);
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            bb.order(ByteOrder.LITTLE_ENDIAN);
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            bb.order(ByteOrder.BIG_ENDIAN);
        } else {
            return 1;
        }
        int ifd = tiff + bb.getInt(tiff + 4);
        if (ifd < tiff || ifd + 2 > end) {
            return 1;
        }
        int entries = bb.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 1;
            }
            if ((bb.getShort(e) & 0xFFFF) == 0x0112) {
                int v = bb.getShort(e + 8) & 0xFFFF;
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    /**
     * An image turned and mirrored as an EXIF orientation asks.
     *
     * @param img the image as stored
     * @param o   the orientation, 1 to 8
     * @return the image as it should be seen
     */
    public static BufferedImage apply(BufferedImage img, int o) {
        if (o <= 1 || o > 8) {
            return img;
        }
        int w = img.getWidth(), h = img.getHeight();
        boolean swap = o >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int nx, ny;
                switch (o) {
                    case 2 -> { nx = w - 1 - x; ny = y; }
                    case 3 -> { nx = w - 1 - x; ny = h - 1 - y; }
                    case 4 -> { nx = x; ny = h - 1 - y; }
                    case 5 -> { nx = y; ny = x; }
                    case 6 -> { nx = h - 1 - y; ny = x; }
                    case 7 -> { nx = h - 1 - y; ny = w - 1 - x; }
                    default -> { nx = y; ny = w - 1 - x; }
                }
                out.setRGB(nx, ny, img.getRGB(x, y));
            }
        }
        return out;
    }
}
