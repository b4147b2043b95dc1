package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavDecoderTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static final double[] VALUES = {0, 0.5, -0.5, 0.25, -1, 0.999};

    private static byte[] encode(int bits, boolean isFloat, int channels) {
        ByteBuffer b = ByteBuffer.allocate(VALUES.length * channels * bits / 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : VALUES) {
            for (int c = 0; c < channels; c++) {
                double s = c == 0 ? v : -v * 0.5; // second channel differs, to check the mix
                if (isFloat) {
                    if (bits == 32) {
                        b.putFloat((float) s);
                    } else {
                        b.putDouble(s);
                    }
                } else {
                    switch (bits) {
                        case 8 -> b.put((byte) (Math.round(s * 127) + 128));
                        case 16 -> b.putShort((short) Math.round(s * 32767));
                        case 24 -> {
                            int i = (int) Math.round(s * 8388607);
                            b.put((byte) i).put((byte) (i >> 8)).put((byte) (i >> 16));
                        }
                        default -> b.putInt((int) Math.round(s * 2147483647.0));
                    }
                }
            }
        }
        return b.array();
    }

    private void checkFormat(int tag, int bits, boolean isFloat, int channels, boolean ext, double tol) throws IOException {
        Path p = write("f.wav", WavBytes.wav(tag, channels, 22050, bits, encode(bits, isFloat, channels), ext));
        AudioClip c = WavDecoder.decode(p);
        assertEquals(22050, c.sampleRate());
        assertEquals(VALUES.length, c.length());
        for (int i = 0; i < VALUES.length; i++) {
            double expected = channels == 1 ? VALUES[i] : (VALUES[i] - VALUES[i] * 0.5) / 2;
            assertEquals(expected, c.samples()[i], tol, "bits=" + bits + " float=" + isFloat + " sample " + i);
        }
    }

    @Test
    void decodesIntegerPcmOfEveryWidth() throws IOException {
        checkFormat(1, 8, false, 1, false, 1.0 / 100);
        checkFormat(1, 16, false, 1, false, 1e-4);
        checkFormat(1, 24, false, 1, false, 1e-6);
        checkFormat(1, 32, false, 1, false, 1e-6);
    }

    @Test
    void decodesFloatPcm() throws IOException {
        checkFormat(3, 32, true, 1, false, 1e-7);
        checkFormat(3, 64, true, 1, false, 1e-7);
    }

    @Test
    void mixesStereoAndMultichannelToMono() throws IOException {
        checkFormat(1, 16, false, 2, false, 1e-4);
        Path p = write("six.wav", WavBytes.wav(1, 6, 48000, 16, new byte[6 * 2 * 10], false));
        assertEquals(10, WavDecoder.decode(p).length());
    }

    @Test
    void decodesExtensibleFormat() throws IOException {
        checkFormat(1, 24, false, 2, true, 1e-6);
        checkFormat(3, 32, true, 1, true, 1e-7);
    }

    @Test
    void decodesG711() throws IOException {
        // µ-law 0xFF and A-law 0xD5 are the codes for silence; 0x80 is µ-law's largest positive value
        AudioClip mu = WavDecoder.decode(write("mu.wav", WavBytes.wav(7, 1, 8000, 8, new byte[] {(byte) 0xFF, (byte) 0x80}, false)));
        assertEquals(0, mu.samples()[0], 1e-9);
        assertEquals(32124 / 32768.0, mu.samples()[1], 1e-6);
        AudioClip a = WavDecoder.decode(write("a.wav", WavBytes.wav(6, 1, 8000, 8, new byte[] {(byte) 0xD5, (byte) 0xAA}, false)));
        assertEquals(8 / 32768.0, a.samples()[0], 1e-6);
        assertEquals(32256 / 32768.0, a.samples()[1], 1e-6);
    }

    @Test
    void refusesMalformedHeadersWithTypedErrors() throws IOException {
        byte[] good = WavBytes.pcm16(WavBytes.sine(440, 16000, 1600, 0.5), 16000);
        assertRefused("empty.wav", new byte[0], "empty");
        assertRefused("short.wav", new byte[] {'R', 'I', 'F', 'F'}, "too short");
        byte[] notRiff = good.clone();
        notRiff[0] = 'X';
        assertRefused("notriff.wav", notRiff, "not a supported audio file");
        byte[] zeroChannels = good.clone();
        zeroChannels[22] = 0;
        assertRefused("zero.wav", zeroChannels, "zero channels");
        byte[] absurdRate = good.clone();
        ByteBuffer.wrap(absurdRate).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 2_000_000_000);
        assertRefused("rate.wav", absurdRate, "sample rate");
        byte[] lying = good.clone();
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0x7FFFFFF0);
        assertRefused("lying.wav", lying, "claims");
        byte[] noData = java.util.Arrays.copyOf(good, 36);
        assertRefused("nodata.wav", noData, "no data chunk");
        byte[] zeroSamples = java.util.Arrays.copyOf(good, 44);
        ByteBuffer.wrap(zeroSamples).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0);
        assertRefused("zerosamples.wav", zeroSamples, "no samples");
        ByteBuffer nan = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.1f).putFloat(Float.NaN);
        assertRefused("nan.wav", WavBytes.wav(3, 1, 16000, 32, nan.array(), false), "not a finite number");
        assertRefused("badbits.wav", WavBytes.wav(1, 1, 16000, 12, new byte[12], false), "not valid");
    }

    @Test
    void survivesRandomCorruptionWithTypedErrorsOnly() throws IOException {
        byte[] good = WavBytes.pcm16(WavBytes.sine(440, 16000, 4000, 0.5), 16000);
        Random rnd = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            byte[] bad = good.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                bad[rnd.nextInt(64)] ^= (byte) (1 << rnd.nextInt(8));
            }
            if (rnd.nextBoolean()) {
                bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
            }
            Path p = write("fuzz.wav", bad);
            try {
                AudioClip c = WavDecoder.decode(p);
                assertTrue(c.length() > 0);
            } catch (AudioException e) {
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            }
        }
    }

    @Test
    void missingFileIsNamed() {
        Path p = dir.resolve("nope.wav");
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(p));
        assertTrue(e.getMessage().contains("nope.wav") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void nonWavIsRefusedByTheFrontDoor() throws IOException {
        Path p = write("x.wav", "this is not audio at all".getBytes());
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(p));
        assertTrue(e.getMessage().contains("not a supported audio file"), e.getMessage());
    }

    private void assertRefused(String name, byte[] bytes, String fragment) throws IOException {
        Path p = write(name, bytes);
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(p), name);
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), name + ": " + e.getMessage());
    }
}
