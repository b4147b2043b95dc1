package io.github.emo4j.video.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortraitsTest {

    @TempDir
    Path dir;

    @Test
    void readsAndConvertsToRgb() throws Exception {
        BufferedImage gray = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        Path p = dir.resolve("g.png");
        ImageIO.write(gray, "png", p.toFile());
        BufferedImage img = Portraits.read(p);
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(40, img.getWidth());
    }

    @Test
    void readsBmpAndTheFirstFrameOfAGif() throws Exception {
        BufferedImage img = new BufferedImage(33, 21, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0x123456);
        for (String fmt : new String[] {"bmp", "gif"}) {
            Path p = dir.resolve("x." + fmt);
            ImageIO.write(img, fmt, p.toFile());
            BufferedImage back = Portraits.read(p);
            assertEquals(33, back.getWidth(), fmt);
            assertEquals(BufferedImage.TYPE_INT_RGB, back.getType(), fmt);
        }
    }

    @Test
    void refusesNonImagesMissingFilesAndTinyOrHugeImages() throws Exception {
        Path junk = dir.resolve("junk.png");
        Files.writeString(junk, "definitely not a PNG");
        assertTrue(assertThrows(ImageException.class, () -> Portraits.read(junk)).getMessage().contains("junk.png"));
        assertTrue(assertThrows(ImageException.class, () -> Portraits.read(dir.resolve("none.png"))).getMessage().contains("not found"));
        Path tiny = dir.resolve("tiny.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", tiny.toFile());
        assertTrue(assertThrows(ImageException.class, () -> Portraits.read(tiny)).getMessage().contains("at least"));
        Path big = dir.resolve("big.png");
        ImageIO.write(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png", big.toFile());
        assertTrue(assertThrows(ImageException.class, () -> Portraits.read(big, 5000)).getMessage().contains("over the limit"));
    }

    @Test
    void aHeaderClaimingHugeDimensionsIsRefusedBeforeDecoding() throws Exception {
        // a PNG whose IHDR claims 100000 x 100000 pixels
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        byte[] ihdr = java.nio.ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("IHDR".getBytes());
        crc.update(ihdr);
        b.write(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        b.write("IHDR".getBytes());
        b.write(ihdr);
        b.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        Path p = dir.resolve("bomb.png");
        Files.write(p, b.toByteArray());
        ImageException e = assertThrows(ImageException.class, () -> Portraits.read(p));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    }

    /** Inserts a segment right after the JPEG's SOI marker. */
    private static byte[] insertSegment(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    @Test
    void exifOrientationIsHonoured() throws Exception {
        BufferedImage img = new BufferedImage(80, 40, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.RED);
        g.fillRect(0, 0, 20, 20); // a red square at the top left, as stored
        g.dispose();
        java.io.ByteArrayOutputStream jpg = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpg);
        java.nio.ByteBuffer app1 = java.nio.ByteBuffer.allocate(2 + 2 + 6 + 8 + 2 + 12 + 4);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (app1.capacity() - 2));
        app1.put("Exif".getBytes()).put((byte) 0).put((byte) 0);
        app1.put("MM".getBytes()).putShort((short) 42).putInt(8);
        app1.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0);
        app1.putInt(0);
        Path p = dir.resolve("phone.jpg");
        Files.write(p, insertSegment(jpg.toByteArray(), app1.array()));
        assertEquals(6, ExifOrientation.read(p));
        BufferedImage turned = Portraits.read(p);
        assertEquals(40, turned.getWidth());
        assertEquals(80, turned.getHeight());
        // orientation 6 turns the picture clockwise: the stored top-left lands at the top right
        int c = turned.getRGB(35, 5);
        assertTrue((c >> 16 & 0xFF) > 200 && (c >> 8 & 0xFF) < 60, Integer.toHexString(c));
    }

    @Test
    void adobeCmykJpegIsConvertedToRgb() throws Exception {
        java.awt.image.WritableRaster r = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 32, 32, 4, null);
        int[] stored = {200, 120, 60, 220};
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                r.setPixel(x, y, stored);
            }
        }
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream o = ImageIO.createImageOutputStream(bytes)) {
            w.setOutput(o);
            javax.imageio.ImageWriteParam prm = w.getDefaultWriteParam();
            prm.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            prm.setCompressionQuality(1f);
            w.write(null, new javax.imageio.IIOImage(r, null, null), prm);
        }
        // an Adobe APP14 segment with transform 0: inverted CMYK, as Photoshop writes it
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        Path p = dir.resolve("print.jpg");
        Files.write(p, insertSegment(bytes.toByteArray(), adobe));
        BufferedImage img = Portraits.read(p);
        int c = img.getRGB(16, 16);
        int[] expected = {200 * 220 / 255, 120 * 220 / 255, 60 * 220 / 255};
        int[] got = {c >> 16 & 0xFF, c >> 8 & 0xFF, c & 0xFF};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], got[i], 4, "channel " + i);
        }
    }

    @Test
    void sixteenBitAndAlphaImagesBecomeRgbOnTheChosenBackground() throws Exception {
        BufferedImage deep = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(5, 5, 0, 65535);
        Path p16 = dir.resolve("deep.png");
        ImageIO.write(deep, "png", p16.toFile());
        BufferedImage rgb = Portraits.read(p16);
        assertEquals(0xFFFFFF, rgb.getRGB(5, 5) & 0xFFFFFF);
        assertEquals(0, rgb.getRGB(6, 6) & 0xFFFFFF);
        BufferedImage clear = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        clear.setRGB(1, 1, 0xFF0000FF);
        Path pa = dir.resolve("alpha.png");
        ImageIO.write(clear, "png", pa.toFile());
        BufferedImage onGreen = Portraits.read(pa, Portraits.DEFAULT_MAX_PIXELS, 0x00FF00);
        assertEquals(0x00FF00, onGreen.getRGB(10, 10) & 0xFFFFFF);
        assertEquals(0x0000FF, onGreen.getRGB(1, 1) & 0xFFFFFF);
    }
}
