package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opus in Ogg, WebM and Matroska as ffmpeg's libopus encoder writes it (SILK, hybrid and CELT modes, mono
 * and stereo), against ffmpeg's own decoding: the 80-band log-mel within 0.05 (log10) on loud frames under
 * 7 kHz, and the same length to the sample (pre-skip and end trimming honoured). FLAC and PCM in Matroska
 * decode to the WAV's samples exactly.
 */
class OpusDecoderTest {
    static final Path SPEECH = Path.of("../samples/speech-sample.wav");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            "ogg; SILK narrowband, 12 kb/s voip, mono; 16000; 1; -c:a libopus -b:a 12k -application voip -cutoff 4000",
            "ogg; SILK wideband, 24 kb/s voip, mono; 16000; 1; -c:a libopus -b:a 24k -application voip",
            "ogg; hybrid fullband, 28 kb/s voip, mono; 48000; 1; -c:a libopus -b:a 28k -application voip",
            "ogg; CELT, 64 kb/s lowdelay, stereo; 48000; 2; -c:a libopus -b:a 64k -application lowdelay",
            "ogg; default 48 kb/s, stereo, 60 ms frames; 48000; 2; -c:a libopus -b:a 48k -frame_duration 60",
            "webm; WebM as a browser records it, 32 kb/s, mono; 48000; 1; -c:a libopus -b:a 32k",
            "webm; WebM written live (a Segment of unknown size), 32 kb/s, mono; 48000; 1; -c:a libopus -b:a 32k -live 1",
            "matroska; Matroska, 96 kb/s audio, stereo; 48000; 2; -c:a libopus -b:a 96k -application audio"})
    void decodesLikeFfmpeg(String format, String what, int rate, int channels, String args) throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path wav = source(rate, channels);
        String ext = format.equals("ogg") ? ".opus" : format.equals("webm") ? ".webm" : ".mka";
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of(args.trim().split(" ")));
        a.addAll(java.util.List.of("-f", format));
        Path encoded = FormatsTest.ffmpeg(wav, dir.resolve("voice" + ext), a.toArray(String[]::new));
        AudioClip ours = AudioFiles.read(encoded);
        AudioClip theirs = FfmpegDecoding.mono(encoded, channels, 48_000);
        assertEquals(48_000, ours.sampleRate());
        double distance = LogMelDistance.between(ours, theirs);
        AudioClip libopus = FfmpegDecoding.mono(encoded, channels, 48_000, "-c:a", "libopus");
        double toLibopus = LogMelDistance.between(ours, libopus);
        System.out.printf("%s (%s): %d samples (ffmpeg %d), log-mel distance %.4f to ffmpeg's decoder, %.4f to libopus; ffmpeg to libopus %.4f%n",
                what, format, ours.length(), theirs.length(), distance, toLibopus, LogMelDistance.between(theirs, libopus));
        assertEquals(theirs.length(), ours.length(), "length against ffmpeg's decoding");
        // Concentus is a port of libopus, the reference decoder, and agrees with it; ffmpeg's own decoder
        // differs from libopus in narrowband SILK's 4-7 kHz (0.085), so there it is met within its own gap
        assertTrue(toLibopus < 0.05, what + ": log-mel distance to libopus " + toLibopus);
        double gap = LogMelDistance.between(theirs, libopus);
        assertTrue(distance < 0.05 || distance < gap + 0.01, what + ": log-mel distance to ffmpeg's decoder " + distance
                + " (ffmpeg to libopus " + gap + ")");
    }

    @Test
    void flacAndPcmInMatroskaAreExact() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path wav = source(44_100, 2);
        AudioClip expected = AudioFiles.read(wav);
        for (String[] c : new String[][]{{"flac", "flac"}, {"pcm_s16le", "pcm"}, {"pcm_s24le", "pcm24"}}) {
            Path mka = FormatsTest.ffmpeg(wav, dir.resolve(c[1] + ".mka"), "-c:a", c[0], "-f", "matroska");
            AudioClip got = AudioFiles.read(mka);
            assertEquals(44_100, got.sampleRate());
            assertArrayEquals(expected.samples(), got.samples(), 1e-6f, c[0] + " in Matroska");
        }
    }

    @Test
    void theSampleVoiceRendersFromEveryContainer() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        AudioClip wav = AudioFiles.read(SPEECH);
        for (String f : new String[]{"ogg", "webm"}) {
            Path p = FormatsTest.ffmpeg(SPEECH, dir.resolve("s." + f), "-c:a", "libopus", "-b:a", "32k", "-f", f);
            AudioClip c = AudioFiles.read(p);
            // the same length as the voice, to the sample at 48 kHz
            assertEquals(wav.length() * 3L, c.length(), f);
        }
    }

    /** The sample speech at {@code rate}, the second channel a changed copy of the first. */
    private Path source(int rate, int channels) throws Exception {
        String layout = channels == 1 ? "pan=mono|c0=c0" : "pan=stereo|c0=c0|c1=0.6*c0,aecho=0.8:0.5:40:0.4";
        return FormatsTest.ffmpeg(SPEECH, dir.resolve("src-" + rate + "-" + channels + ".wav"), "-af", layout, "-ar",
                String.valueOf(rate), "-c:a", "pcm_s16le");
    }
}
