package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FLAC frame whose CRCs are right but whose decorrelated channel leaves the stream's bit depth is damaged
 * data, refused by name; the same frame with a channel inside the depth decodes exactly. The frames are
 * written here bit by bit, since no encoder writes the bad one.
 */
class FlacDepthTest {

    @TempDir
    Path dir;

    /** MSB-first bit writer. */
    private static final class Bits {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int acc;
        int n;

        Bits put(long v, int width) {
            for (int i = width - 1; i >= 0; i--) {
                acc = acc << 1 | (int) (v >>> i & 1);
                if (++n == 8) {
                    out.write(acc);
                    acc = 0;
                    n = 0;
                }
            }
            return this;
        }

        byte[] bytes() {
            assertEquals(0, n, "whole bytes");
            return out.toByteArray();
        }
    }

    private static int crc8(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= x & 0xFF;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x80) != 0 ? (crc << 1 ^ 0x07) & 0xFF : crc << 1 & 0xFF;
            }
        }
        return crc;
    }

    private static int crc16(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= (x & 0xFF) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1 ^ 0x8005) & 0xFFFF : crc << 1 & 0xFFFF;
            }
        }
        return crc;
    }

    /** A 16-bit stereo stream of one 16-sample left/side frame, both subframes verbatim. */
    private Path stream(int left, int side) throws Exception {
        Bits head = new Bits().put(0x664C6143L, 32)
                .put(1, 1).put(0, 7).put(34, 24)                   // last block, STREAMINFO, 34 bytes
                .put(16, 16).put(16, 16).put(0, 24).put(0, 24)     // block sizes, frame sizes unknown
                .put(16000, 20).put(1, 3).put(15, 5).put(16, 36);  // 16 kHz, 2 channels, 16 bits, 16 samples
        for (int i = 0; i < 16; i++) {
            head.put(0, 8);                                        // MD5 not given
        }
        Bits header = new Bits().put(0x3FFE, 14).put(0, 1).put(0, 1)
                .put(6, 4).put(0, 4)                               // block size in 8 bits below; rate from STREAMINFO
                .put(8, 4).put(4, 3).put(0, 1)                     // left/side, 16 bits
                .put(0, 8).put(15, 8);                             // frame 0, 16 samples
        byte[] h = header.bytes();
        Bits frame = new Bits();
        for (byte x : h) {
            frame.put(x & 0xFF, 8);
        }
        frame.put(crc8(h), 8);
        frame.put(0, 1).put(1, 6).put(0, 1);                       // verbatim, no wasted bits
        for (int i = 0; i < 16; i++) {
            frame.put(left & 0xFFFF, 16);
        }
        frame.put(0, 1).put(1, 6).put(0, 1);
        for (int i = 0; i < 16; i++) {
            frame.put(side & 0x1FFFF, 17);                         // the side channel has one bit more
        }
        byte[] f = frame.bytes();
        Path p = dir.resolve("hand-" + left + "-" + side + ".flac");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(head.bytes());
        all.write(f);
        all.write(crc16(f) >> 8);
        all.write(crc16(f) & 0xFF);
        Files.write(p, all.toByteArray());
        return p;
    }

    @Test
    void aChannelInsideTheDepthDecodesExactly() throws Exception {
        // left 1000, side 400: right 600; the mono mix is their mean
        AudioClip c = FlacDecoder.decode(stream(1000, 400));
        assertEquals(16, c.length());
        assertEquals(16000, c.sampleRate());
        assertEquals((1000 + 600) / 2.0 / 32768, c.samples()[7], 1e-6);
    }

    @Test
    void aChannelBeyondTheDepthIsRefusedByName() throws Exception {
        // left 32767, side -32768: right would be 65535, which 16 bits cannot hold
        Path p = stream(32767, -32768);
        AudioException e = assertThrows(AudioException.class, () -> FlacDecoder.decode(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("does not fit the stream's 16"),
                e.getMessage());
    }
}
