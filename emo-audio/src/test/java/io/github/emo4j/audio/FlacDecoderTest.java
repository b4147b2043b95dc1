package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FLAC is lossless: what ffmpeg's encoder (Debian's, installed by CI) makes of a WAV must decode to the
 * WAV's samples exactly, at every compression level (fixed and LPC predictors of every order, block
 * sizes, stereo decorrelation) and sample size. Damaged files are refused by name.
 */
class FlacDecoderTest {

    @TempDir
    Path dir;

    private Path wav(int rate, int channels, String format) throws Exception {
        Path mono = dir.resolve("mono.wav");
        float[] voice = new float[rate * 2];
        for (int i = 0; i < voice.length; i++) {
            double t = i / (double) rate;
            voice[i] = (float) (0.45 * Math.max(0, Math.sin(2 * Math.PI * 2.5 * t)) * Math.sin(2 * Math.PI * 220 * t)
                    + 0.05 * Math.sin(2 * Math.PI * 3100 * t));
        }
        Files.write(mono, WavBytes.pcm16(voice, rate));
        // a second channel that differs from the first, so that every decorrelation mode is worth trying
        String layout = channels == 1 ? "pan=mono|c0=c0" : "pan=stereo|c0=c0|c1=0.6*c0";
        return ffmpeg(mono, "in-" + channels + format + ".wav", "-af", layout, "-c:a", format);
    }

    private Path ffmpeg(Path in, String name, String... args) throws Exception {
        return FormatsTest.ffmpeg(in, dir.resolve(name), args);
    }

    @ParameterizedTest(name = "{0} Hz, {1} channels, {2}, compression {3}")
    @CsvSource({"16000, 1, pcm_s16le, 0", "16000, 1, pcm_s16le, 12", "44100, 2, pcm_s16le, 5", "44100, 2, pcm_s16le, 12",
        "48000, 2, pcm_s24le, 8", "8000, 1, pcm_s24le, 3"})
    void decodesExactlyWhatTheWavHolds(int rate, int channels, String format, int level) throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path wav = wav(rate, channels, format);
        Path flac = ffmpeg(wav, "out.flac", "-c:a", "flac", "-compression_level", String.valueOf(level));
        AudioClip want = AudioFiles.read(wav), got = AudioFiles.read(flac);
        assertEquals(rate, got.sampleRate());
        assertArrayEquals(want.samples(), got.samples());
    }

    @Test
    void damagedFilesAreRefusedByName() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path flac = ffmpeg(wav(16000, 2, "pcm_s16le"), "ok.flac", "-c:a", "flac");
        byte[] bytes = Files.readAllBytes(flac);

        Path cut = Files.write(dir.resolve("cut.flac"), Arrays.copyOf(bytes, bytes.length - 700));
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(cut));
        assertTrue(e.getMessage().contains("cut.flac") && e.getMessage().contains("ends in the middle"), e.getMessage());

        byte[] flipped = bytes.clone();
        flipped[flipped.length / 2] ^= 0x10;
        Path bad = Files.write(dir.resolve("bad.flac"), flipped);
        e = assertThrows(AudioException.class, () -> AudioFiles.read(bad));
        assertTrue(e.getMessage().contains("bad.flac") && (e.getMessage().contains("CRC") || e.getMessage().contains("FLAC")),
                e.getMessage());
        // the file once: not "bad.flac: cannot read: bad.flac: FLAC frame ..."
        assertEquals(1, e.getMessage().split(java.util.regex.Pattern.quote(bad.toString()), -1).length - 1, e.getMessage());
        assertTrue(!e.getMessage().contains("cannot read"), e.getMessage());

        byte[] noInfo = {'f', 'L', 'a', 'C', (byte) 0x84, 0, 0, 0};
        Path empty = Files.write(dir.resolve("empty.flac"), noInfo);
        e = assertThrows(AudioException.class, () -> AudioFiles.read(empty));
        assertTrue(e.getMessage().contains("empty.flac"), e.getMessage());

        byte[] huge = bytes.clone();
        // STREAMINFO's total sample count (the 36 bits ending at byte 25): far beyond any heap
        huge[21] |= 0x0F;
        huge[22] = huge[23] = huge[24] = huge[25] = (byte) 0xFF;
        Path long1 = Files.write(dir.resolve("long.flac"), huge);
        e = assertThrows(AudioException.class, () -> AudioFiles.read(long1));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }

    /**
     * 32-bit stereo as Debian's flac 1.4 encodes it: full-scale left and right of opposite signs make
     * a side channel of 33 bits, which an int-wide decoder wraps (checked: the decoder before the fix
     * fails this test). Every sample must come back exact.
     */
    @Test
    void thirtyTwoBitStereoWithAThirtyThreeBitSideChannelDecodesExactly() throws Exception {
        assumeTrue(FormatsTest.onPath("flac"), "flac is not installed");
        int n = 4096;
        java.nio.ByteBuffer pcm = java.nio.ByteBuffer.allocate(n * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.util.Random rnd = new java.util.Random(1);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            // left = right + 2^31 + noise: the side channel (left - right) needs 33 bits, and coding right
            // and side is the cheapest choice (right holds no noise), so the encoder makes it
            long x = Math.round(Math.sin(i * 0.05) * (1 << 29));
            long r = x - (1L << 30), l = x + (1L << 30) + rnd.nextInt(1 << 20);
            pcm.putInt((int) l).putInt((int) r);
            want[i] = (float) ((l + r) * (1.0 / (1L << 31) / 2));
        }
        java.nio.ByteBuffer wav = java.nio.ByteBuffer.allocate(44 + n * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes()).putInt(36 + n * 8).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 2).putInt(48000).putInt(48000 * 8).putShort((short) 8).putShort((short) 32)
                .put("data".getBytes()).putInt(n * 8).put(pcm.array());
        Path in = Files.write(dir.resolve("s32.wav"), wav.array());
        Path flac = dir.resolve("s32.flac");
        Process p = new ProcessBuilder("flac", "-f", "-8", "-s", "-o", flac.toString(), in.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "flac failed");
        AudioClip got = AudioFiles.read(flac);
        assertEquals(48000, got.sampleRate());
        assertArrayEquals(want, got.samples());
    }

    /** Random damage anywhere in a real file: a typed error or a decode, quickly, never a hang or a crash. */
    @Test
    void randomDamageEndsQuicklyInAnErrorOrAClip() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        byte[] good = Files.readAllBytes(ffmpeg(wav(16000, 2, "pcm_s16le"), "fuzz.flac", "-c:a", "flac"));
        java.util.Random rnd = new java.util.Random(3);
        for (int k = 0; k < 60; k++) {
            byte[] b = good.clone();
            for (int j = 0; j < 1 + k % 4; j++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Path p = Files.write(dir.resolve("f" + k + ".flac"), b);
            long t0 = System.nanoTime();
            try {
                AudioFiles.read(p);
            } catch (AudioException e) {
                assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
            }
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "case " + k + " took too long");
        }
    }

    @Test
    void flacInOggDecodesExactlyAndDamageIsCaughtByTheCrc() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path wav = wav(44100, 2, "pcm_s16le");
        Path oga = ffmpeg(wav, "s.oga", "-c:a", "flac", "-f", "ogg");
        assertArrayEquals(AudioFiles.read(wav).samples(), AudioFiles.read(oga).samples());

        byte[] bytes = Files.readAllBytes(oga);
        bytes[bytes.length / 2] ^= 0x01;
        Path bad = Files.write(dir.resolve("bad.oga"), bytes);
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(bad));
        assertTrue(e.getMessage().contains("bad.oga") && e.getMessage().contains("CRC"), e.getMessage());

    }
}
