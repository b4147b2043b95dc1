package io.github.emo4j.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds WAV files in memory for tests. */
final class WavBytes {
    private WavBytes() {
    }

    /** A RIFF/WAVE file with the given format tag and raw sample bytes. */
    static byte[] wav(int tag, int channels, int rate, int bits, byte[] data, boolean extensible) {
        int fmtSize = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(4 + 8 + fmtSize + 8 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(fmtSize);
        b.putShort((short) (extensible ? 0xFFFE : tag)).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(0);
            b.putShort((short) tag).put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }

    /** 16-bit PCM mono. */
    static byte[] pcm16(float[] x, int rate) {
        ByteBuffer d = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            d.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        return wav(1, 1, rate, 16, d.array(), false);
    }

    static float[] sine(double freq, int rate, int n, double amp) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amp * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return x;
    }
}
