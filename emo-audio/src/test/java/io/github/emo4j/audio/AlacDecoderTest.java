package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Apple Lossless in M4A as ffmpeg's encoder writes it decodes to the WAV's samples exactly (16 and 24 bit,
 * mono and stereo, several rates); broken configurations are named and damaged packets end quickly.
 */
class AlacDecoderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Hz, {1} channel(s), {2}")
    @CsvSource({"16000, 1, s16", "44100, 2, s16", "48000, 2, s24", "8000, 1, s24", "96000, 2, s16"})
    void decodesExactly(int rate, int channels, String format) throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path wav = source(rate, channels, format);
        Path m4a = FormatsTest.ffmpeg(wav, dir.resolve("v.m4a"), "-c:a", "alac", "-sample_fmt", format.equals("s16") ? "s16p" : "s32p");
        AudioClip expected = AudioFiles.read(wav), got = AudioFiles.read(m4a);
        assertEquals(rate, got.sampleRate());
        assertArrayEquals(expected.samples(), got.samples(), 1e-7f);
    }

    @Test
    void brokenConfigurationsAreNamedAndDamageEndsQuickly() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path m4a = FormatsTest.ffmpeg(source(16000, 2, "s16"), dir.resolve("v.m4a"), "-c:a", "alac");
        byte[] good = Files.readAllBytes(m4a);
        int cookie = -1;
        String text = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = text.indexOf("alac"); i >= 0; i = text.indexOf("alac", i + 1)) {
            if (i >= 4 && java.nio.ByteBuffer.wrap(good, i - 4, 4).getInt() == 36) {
                cookie = i + 8;
            }
        }
        assertTrue(cookie > 0, "ALACSpecificConfig not found");
        Object[][] cases = {{9, 3, "ALAC with 3 channels is not supported"}, {5, 12, "ALAC bit depth 12"},
                {0, 0, "frame length 0 out of range"}};
        for (Object[] c : cases) {
            byte[] bad = good.clone();
            if ((int) c[0] == 0) {
                java.nio.ByteBuffer.wrap(bad).putInt(cookie, 0);
            } else {
                bad[cookie + (int) c[0]] = (byte) (int) c[1];
            }
            Path p = Files.write(dir.resolve("bad.m4a"), bad);
            AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(p));
            assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains((String) c[2]), e.getMessage());
        }
        FfmpegDecoding.survivesDamage(good, text.indexOf("mdat") + 4, 20_000, 40, 3, dir.resolve("fuzz.m4a"));
    }

    private Path source(int rate, int channels, String format) throws Exception {
        String layout = channels == 1 ? "pan=mono|c0=c0" : "pan=stereo|c0=c0|c1=0.6*c0,aecho=0.8:0.5:40:0.4";
        return FormatsTest.ffmpeg(OpusDecoderTest.SPEECH, dir.resolve("src.wav"), "-af", layout, "-ar", String.valueOf(rate),
                "-c:a", format.equals("s16") ? "pcm_s16le" : "pcm_s24le");
    }
}
