package io.github.emo4j.video.aac;

import java.util.Arrays;

/** MSB-first bit writer over a growable byte array. */
final class BitWriter {
    private byte[] buf = new byte[2048];
    private long bits;

    void write(int value, int n) {
        for (int i = n - 1; i >= 0; i--) {
            int byteIndex = (int) (bits >>> 3);
            if (byteIndex >= buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            if ((value >>> i & 1) != 0) {
                buf[byteIndex] |= (byte) (0x80 >>> (bits & 7));
            }
            bits++;
        }
    }

    void alignToByte() {
        bits = (bits + 7) & ~7L;
    }

    long bitCount() {
        return bits;
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, (int) ((bits + 7) >>> 3));
    }
}
