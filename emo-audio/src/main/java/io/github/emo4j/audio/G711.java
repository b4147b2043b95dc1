package io.github.emo4j.audio;

/** ITU-T G.711 A-law and µ-law expansion to 16-bit linear PCM. */
final class G711 {
    private G711() {
    }

    static int alaw(byte code) {
        int a = (code & 0xFF) ^ 0x55;
        int exponent = (a & 0x70) >> 4;
        int mantissa = a & 0x0F;
        int magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (a & 0x80) != 0 ? magnitude : -magnitude;
    }

    static int mulaw(byte code) {
        int u = ~code & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (u & 0x80) != 0 ? -magnitude : magnitude;
    }
}
