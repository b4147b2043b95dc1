package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AAC-LC in M4A as ffmpeg's encoder writes it, with its perceptual noise substitution, temporal noise
 * shaping, intensity and mid/side stereo on, at every common sample rate, against ffmpeg's decoding: the
 * 80-band log-mel within 0.05 (log10) on loud frames under 7 kHz, and the same length within 1%.
 */
class AacDecoderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Hz, {1} channel(s), {2}")
    @CsvSource({
            "16000, 1, 32k", "8000, 1, 16k", "11025, 1, 24k", "22050, 1, 48k", "24000, 2, 64k", "32000, 1, 48k",
            "44100, 1, 128k", "44100, 2, 128k", "48000, 2, 96k", "48000, 2, 256k", "96000, 1, 128k"})
    void decodesLikeFfmpeg(int rate, int channels, String bitrate) throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        String layout = channels == 1 ? "pan=mono|c0=c0" : "pan=stereo|c0=c0|c1=0.6*c0,aecho=0.8:0.5:40:0.4";
        Path wav = FormatsTest.ffmpeg(OpusDecoderTest.SPEECH, dir.resolve("src.wav"), "-af", layout, "-ar", String.valueOf(rate),
                "-c:a", "pcm_s16le");
        Path m4a = FormatsTest.ffmpeg(wav, dir.resolve("v.m4a"), "-c:a", "aac", "-b:a", bitrate,
                "-aac_pns", "1", "-aac_tns", "1", "-aac_is", "1", "-aac_ms", "1");
        long[][] usage = new long[1][];
        AudioClip ours = CompressedAudioDecoder.decodeMp4(m4a, u -> usage[0] = u);
        AudioClip theirs = FfmpegDecoding.mono(m4a, channels, rate);
        double distance = LogMelDistance.between(ours, theirs);
        System.out.printf("AAC %d Hz %d ch %s: %d samples (ffmpeg %d), log-mel distance %.4f, SNR %.1f dB; "
                        + "noise bands %d, intensity bands %d, M/S bands %d, TNS filters %d, short frames %d%n", rate, channels,
                bitrate, ours.length(), theirs.length(), distance, snr(theirs.samples(), ours.samples()),
                usage[0][0], usage[0][1], usage[0][2], usage[0][3], usage[0][4]);
        assertEquals(rate, ours.sampleRate());
        assertTrue(Math.abs(ours.length() - theirs.length()) <= theirs.length() / 100, "length " + ours.length() + " vs " + theirs.length());
        assertTrue(distance < 0.05, "log-mel distance " + distance);
    }

    /** Other AAC profiles and layouts are refused by name; damaged frames end in a named error, never a hang. */
    @org.junit.jupiter.api.Test
    void otherProfilesAndDamageAreNamed() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path m4a = FormatsTest.ffmpeg(OpusDecoderTest.SPEECH, dir.resolve("v.m4a"), "-c:a", "aac", "-b:a", "32k", "-t", "3");
        byte[] good = Files.readAllBytes(m4a);
        // the DecoderSpecificInfo descriptor (tag 5) in the esds box, its length as ffmpeg writes it (0x80 0x80 0x80 n)
        int esds = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("esds");
        int asc = -1;
        for (int i = esds; i > 0 && i + 5 < good.length && i < esds + 64; i++) {
            if (good[i] == 5 && (good[i + 1] & 0xFF) == 0x80 && (good[i + 2] & 0xFF) == 0x80 && (good[i + 3] & 0xFF) == 0x80) {
                asc = i + 5;
                break;
            }
        }
        assertTrue(asc > 0, "AudioSpecificConfig not found");
        int config = (good[asc] & 0xFF) << 8 | (good[asc + 1] & 0xFF);
        String[][] cases = {
                {String.valueOf(5 << 11 | config & 0x7FF), "HE-AAC (SBR) is not supported"},
                {String.valueOf(29 << 11 | config & 0x7FF), "HE-AAC v2"},
                {String.valueOf(1 << 11 | config & 0x7FF), "AAC Main"},
                {String.valueOf(config & ~0x78 | 3 << 3), "channel configuration 3 is not supported"},
                {String.valueOf(config & ~0x780 | 13 << 7), "sample rate index 13 is reserved"}};
        for (String[] c : cases) {
            byte[] bad = good.clone();
            int v = Integer.parseInt(c[0]);
            bad[asc] = (byte) (v >> 8);
            bad[asc + 1] = (byte) v;
            Path p = Files.write(dir.resolve("bad.m4a"), bad);
            AudioException e = org.junit.jupiter.api.Assertions.assertThrows(AudioException.class, () -> AudioFiles.read(p));
            assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains(c[1]), e.getMessage());
        }
        // damage in the audio data: a named error or a clip, quickly, never anything else
        int mdat = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("mdat") + 4;
        FfmpegDecoding.survivesDamage(good, mdat, 4000, 40, 7, dir.resolve("fuzz.m4a"));
    }

    static double snr(float[] ref, float[] x) {
        double s = 0, e = 0;
        for (int i = 0; i < Math.min(ref.length, x.length); i++) {
            s += ref[i] * ref[i];
            e += (ref[i] - x[i]) * (ref[i] - x[i]);
        }
        return 10 * Math.log10(s / Math.max(e, 1e-30));
    }
}
