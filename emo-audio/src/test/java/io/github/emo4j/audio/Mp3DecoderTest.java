package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * emo4j's MP3 decoder against ffmpeg's decoding of the same files, which ffmpeg makes here from the sample
 * speech (Debian's ffmpeg, installed by CI): LAME at CBR, VBR and ABR, MPEG-1, 2 and 2.5 (8 to 48 kHz),
 * mono and joint stereo, and libshine, whose files JCodec's decoder refused. Each must have ffmpeg's
 * length once the gapless header is honoured, and a log-mel distance under 0.05 (the decoder is in fact
 * within float rounding of ffmpeg's: the SNR is printed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Mp3DecoderTest {
    @TempDir
    static Path dir;
    private Path speech;

    @BeforeAll
    void speech() throws Exception {
        assumeTrue(FormatsTest.ffmpeg(), "ffmpeg is not installed");
        Path sample = Path.of("..", "samples", "speech-sample.wav");
        speech = FormatsTest.ffmpeg(sample, dir.resolve("speech.wav"), "-t", "5", "-ac", "2", "-ar", "48000");
    }

    @ParameterizedTest(name = "{0} {1} Hz {2} ch {3}")
    @CsvSource({
        "libmp3lame, 44100, 2, -b:a 128k", "libmp3lame, 44100, 2, -q:a 4", "libmp3lame, 44100, 1, -abr 1 -b:a 64k",
        "libmp3lame, 48000, 2, -b:a 192k", "libmp3lame, 32000, 2, -b:a 96k", "libmp3lame, 24000, 2, -b:a 64k",
        "libmp3lame, 22050, 1, -b:a 48k", "libmp3lame, 16000, 1, -b:a 32k", "libmp3lame, 12000, 1, -b:a 24k",
        "libmp3lame, 11025, 2, -b:a 32k", "libmp3lame, 8000, 1, -b:a 16k", "libmp3lame, 44100, 2, -b:a 320k -write_id3v1 1",
        "libshine, 44100, 2, -b:a 128k", "libshine, 48000, 1, -b:a 64k", "libshine, 32000, 1, -b:a 64k"})
    void decodesAsFfmpegDoes(String encoder, int rate, int channels, String options) throws Exception {
        String name = String.format(Locale.ROOT, "%s-%d-%d-%s.mp3", encoder, rate, channels,
                options.replaceAll("[^a-z0-9]", ""));
        String[] args = (String.join(" ", "-ar", String.valueOf(rate), "-ac", String.valueOf(channels), "-c:a", encoder) + " "
                + options).split(" ");
        Path mp3 = FormatsTest.ffmpeg(speech, dir.resolve(name), args);
        AudioClip ours = AudioFiles.read(mp3);
        AudioClip theirs = FfmpegDecoding.mono(mp3, channels, rate);
        assertEquals(rate, ours.sampleRate());
        assertEquals(theirs.samples().length, ours.samples().length, name + ": length");
        double distance = LogMelDistance.between(ours, theirs);
        double snr = snr(ours.samples(), theirs.samples());
        System.out.printf(Locale.ROOT, "%s: %d samples, log-mel distance %.5f, SNR %.1f dB against ffmpeg%n", name,
                ours.samples().length, distance, snr);
        assertTrue(distance < 0.05, name + ": log-mel distance " + distance);
    }

    /**
     * MPEG audio Layer II (MP2, as broadcasters send it), from ffmpeg's own encoder and twolame: each of
     * the five allocation tables (the high-rate A and B, the low-rate C and D, and MPEG-2's), mono, stereo
     * and joint stereo.
     */
    @ParameterizedTest(name = "{0} {1} Hz {2} ch {3}")
    @CsvSource({
        "mp2, 48000, 2, -b:a 192k", "mp2, 44100, 2, -b:a 256k", "mp2, 32000, 1, -b:a 48k", "mp2, 48000, 1, -b:a 32k",
        "mp2, 24000, 1, -b:a 64k", "mp2, 22050, 2, -b:a 96k", "libtwolame, 48000, 2, -b:a 128k -mode joint_stereo",
        "libtwolame, 44100, 2, -b:a 160k", "libtwolame, 16000, 1, -b:a 32k", "libtwolame, 32000, 2, -b:a 64k"})
    void layerTwoDecodesAsFfmpegDoes(String encoder, int rate, int channels, String options) throws Exception {
        String name = String.format(Locale.ROOT, "%s-%d-%d-%s.mp2", encoder, rate, channels, options.replaceAll("[^a-z0-9]", ""));
        String[] args = (String.join(" ", "-ar", String.valueOf(rate), "-ac", String.valueOf(channels), "-c:a", encoder) + " "
                + options).split(" ");
        Path mp2 = FormatsTest.ffmpeg(speech, dir.resolve(name), args);
        AudioClip ours = AudioFiles.read(mp2);
        AudioClip theirs = FfmpegDecoding.mono(mp2, channels, rate);
        // twolame's joint stereo switches the channel mode from frame to frame; ffmpeg's demuxer takes the
        // first two frames, whose modes differ, for junk ("Skipping 768 bytes of junk") and drops them:
        // emo4j decodes every frame, so it is compared from ffmpeg's first one
        int skip = ours.samples().length - theirs.samples().length;
        assertTrue(skip == 0 || options.contains("joint") && skip == 2 * 1152, name + ": " + skip + " samples more than ffmpeg");
        ours = new AudioClip(Arrays.copyOfRange(ours.samples(), skip, ours.samples().length), rate);
        double distance = LogMelDistance.between(ours, theirs);
        double snr = snr(ours.samples(), theirs.samples());
        System.out.printf(Locale.ROOT, "%s: %d samples, log-mel distance %.5f, SNR %.1f dB against ffmpeg%n", name,
                ours.samples().length, distance, snr);
        assertTrue(distance < 0.05, name + ": log-mel distance " + distance);
    }

    /** CRC-protected frames, from the LAME command line ({@code -p}; CI installs Debian's lame): ffmpeg's encoders write none. */
    @ParameterizedTest(name = "lame -p {0}")
    @CsvSource({"-b 96, 2", "-m m -b 32 --resample 22.05, 1"})
    void crcProtectedFramesDecodeAsFfmpegDecodesThem(String options, int channels) throws Exception {
        assumeTrue(lame(), "lame is not installed");
        Path mp3 = dir.resolve("crc-" + options.replaceAll("[^a-z0-9]", "") + ".mp3");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("lame", "--quiet", "-p"));
        cmd.addAll(java.util.List.of(options.split(" ")));
        cmd.addAll(java.util.List.of(speech.toString(), mp3.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        byte[] head = Arrays.copyOf(Files.readAllBytes(mp3), 2);
        assertEquals(0, head[1] & 1, "the first header says CRC-protected (protection_bit 0)");
        AudioClip ours = AudioFiles.read(mp3);
        AudioClip theirs = FfmpegDecoding.mono(mp3, channels, ours.sampleRate());
        assertEquals(theirs.samples().length, ours.samples().length, options + ": length");
        double snr = snr(ours.samples(), theirs.samples());
        System.out.printf(Locale.ROOT, "lame -p %s: %d samples, SNR %.1f dB against ffmpeg%n", options, ours.samples().length, snr);
        assertTrue(LogMelDistance.between(ours, theirs) < 0.05 && snr > 60, options + ": SNR " + snr);
    }

    private static boolean lame() {
        try {
            return new ProcessBuilder("lame", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static double snr(float[] a, float[] b) {
        double signal = 0, noise = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            signal += (double) b[i] * b[i];
            noise += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return 10 * Math.log10(signal / Math.max(noise, 1e-30));
    }

    @Test
    void aVbriFrameIsSkippedAndFreeFormatIsRefusedByName() throws Exception {
        Path plain = FormatsTest.ffmpeg(speech, dir.resolve("noxing.mp3"), "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0",
                "-id3v2_version", "0");
        byte[] audio = Files.readAllBytes(plain);
        assertEquals((byte) 0xFF, audio[0], "the file starts with a frame");
        // FhG's encoders put a VBRI frame first: a frame of the stream's header holding "VBRI" 32 bytes in
        int length = 144_000 * 64 / 48_000 + (audio[2] >> 1 & 1);
        byte[] vbri = new byte[length];
        System.arraycopy(audio, 0, vbri, 0, 4);
        System.arraycopy("VBRI".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, vbri, 36, 4);
        byte[] withVbri = new byte[vbri.length + audio.length];
        System.arraycopy(vbri, 0, withVbri, 0, vbri.length);
        System.arraycopy(audio, 0, withVbri, vbri.length, audio.length);
        Path fhg = Files.write(dir.resolve("vbri.mp3"), withVbri);
        assertEquals(AudioFiles.read(plain).samples().length, AudioFiles.read(fhg).samples().length, "the VBRI frame is no audio");

        byte[] free = new byte[20 * 404];
        for (int f = 0; f < 20; f++) {
            System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xFB, 0x00, 0x64}, 0, free, 404 * f, 4);
        }
        Path freeFormat = Files.write(dir.resolve("free.mp3"), free);
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(freeFormat));
        assertEquals(freeFormat + ": free-format MPEG audio (no bit rate in its headers) is not supported", e.getMessage());
    }

    @Test
    void damageIsSurvivedAndGarbageRefused() throws Exception {
        Path mp3 = FormatsTest.ffmpeg(speech, dir.resolve("fuzz.mp3"), "-c:a", "libmp3lame", "-b:a", "64k");
        byte[] good = Files.readAllBytes(mp3);
        FfmpegDecoding.survivesDamage(good, 0, good.length, 200, 7, dir.resolve("damaged.mp3"));
        // a header with nothing after it, and a sync word before noise, decode to nothing
        Path noise = Files.write(dir.resolve("noise.mp3"), Arrays.copyOf(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64}, 4000));
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(noise));
        assertTrue(e.getMessage().startsWith(noise + ": "), e.getMessage());
    }
}
