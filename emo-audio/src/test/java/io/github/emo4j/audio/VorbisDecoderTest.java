package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vorbis in Ogg, WebM and Matroska as libvorbis writes it (qualities -1 to 10, 8 to 48 kHz, mono to 5.1)
 * against ffmpeg's decoding: the same length, the log-mel within 0.05 (measured: 0.0000) and the waveform
 * itself within float rounding. Broken headers are named and damaged setups end quickly.
 */
class VorbisDecoderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} Hz, {2} channel(s), quality {3}")
    @CsvSource({"ogg, 16000, 1, 3", "ogg, 8000, 1, -1", "ogg, 22050, 1, 0", "ogg, 44100, 2, 6", "ogg, 48000, 2, 10",
            "ogg, 48000, 6, 4", "webm, 48000, 2, 5", "matroska, 16000, 1, 2"})
    void decodesLikeFfmpeg(String format, int rate, int channels, int quality) throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        String layout = switch (channels) {
            case 1 -> "pan=mono|c0=c0";
            case 2 -> "pan=stereo|c0=c0|c1=0.6*c0,aecho=0.8:0.5:40:0.4";
            default -> "pan=5.1|c0=c0|c1=0.7*c0|c2=0.5*c0|c3=0.1*c0|c4=0.3*c0|c5=0.2*c0,aecho=0.8:0.5:30:0.3";
        };
        Path wav = FormatsTest.ffmpeg(OpusDecoderTest.SPEECH, dir.resolve("src.wav"), "-af", layout, "-ar", String.valueOf(rate),
                "-c:a", "pcm_s16le");
        Path encoded = FormatsTest.ffmpeg(wav, dir.resolve("v." + (format.equals("ogg") ? "ogg" : format.equals("webm") ? "webm" : "mka")),
                "-c:a", "libvorbis", "-q:a", String.valueOf(quality), "-f", format);
        AudioClip ours = AudioFiles.read(encoded);
        AudioClip theirs = FfmpegDecoding.mono(encoded, channels, rate);
        double distance = LogMelDistance.between(ours, theirs), snr = AacDecoderTest.snr(theirs.samples(), ours.samples());
        System.out.printf("Vorbis %s %d Hz %d ch q%d: %d samples (ffmpeg %d), log-mel distance %.4f, SNR %.1f dB%n", format, rate,
                channels, quality, ours.length(), theirs.length(), distance, snr);
        assertEquals(rate, ours.sampleRate());
        assertEquals(theirs.length(), ours.length());
        assertTrue(distance < 0.05, "log-mel distance " + distance);
        assertTrue(snr > 90, "SNR " + snr);
    }

    @Test
    void brokenHeadersAreNamedAndDamagedSetupsEndQuickly() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path ogg = FormatsTest.ffmpeg(OpusDecoderTest.SPEECH, dir.resolve("v.ogg"), "-c:a", "libvorbis", "-q:a", "2", "-t", "2");
        List<byte[]> packets = new ArrayList<>();
        List<Long> granules = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(ogg))) {
            OggPackets op = new OggPackets(ogg, in);
            byte[] p;
            while ((p = op.next()) != null) {
                packets.add(p);
                granules.add(op.granule());
            }
        }
        long[] g = granules.stream().mapToLong(Long::longValue).toArray();
        String[][] cases = {{"11", "0", "Vorbis stream of 0 channels"}, {"7", "1", "Vorbis version 1 is not Vorbis I"},
                {"28", "0xE6", "block sizes 64 and 16384"}, {"28", "0x55", "block sizes 32 and 32"}};
        for (String[] c : cases) {
            List<byte[]> bad = new ArrayList<>(packets);
            byte[] id = bad.get(0).clone();
            id[Integer.parseInt(c[0])] = (byte) Integer.decode(c[1]).intValue();
            bad.set(0, id);
            Path p = Files.write(dir.resolve("bad.ogg"), ContainerBytes.ogg(bad, g));
            AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(p));
            assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains(c[2]), e.getMessage());
        }
        List<byte[]> noSetup = new ArrayList<>(packets.subList(0, 2));
        Path p0 = Files.write(dir.resolve("no-setup.ogg"), ContainerBytes.ogg(noSetup, g));
        AudioException e0 = assertThrows(AudioException.class, () -> AudioFiles.read(p0));
        assertTrue(e0.getMessage().contains("setup header missing"), e0.getMessage());
        Random rnd = new Random(11);
        int named = 0;
        for (int trial = 0; trial < 60; trial++) {
            List<byte[]> bad = new ArrayList<>(packets);
            byte[] setup = bad.get(2).clone();
            for (int k = 0; k < 1 + trial % 4; k++) {
                int at = 7 + rnd.nextInt(setup.length - 7);
                setup[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            bad.set(2, setup);
            Path p = Files.write(dir.resolve("fuzz.ogg"), ContainerBytes.ogg(bad, g));
            long t0 = System.nanoTime();
            try {
                AudioFiles.read(p);
            } catch (AudioException e) {
                assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
                named++;
            }
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "trial " + trial + " took too long");
        }
        assertTrue(named > 10, named + " of 60 damaged setups were refused");
    }
}
