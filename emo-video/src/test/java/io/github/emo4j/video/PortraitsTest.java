package io.github.emo4j.video;

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
}
