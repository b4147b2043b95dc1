package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AIFF and AU written here; MP3 and M4A made with Debian's ffmpeg when it is installed (CI installs it). */
class FormatsTest {

    @TempDir
    Path dir;

    static final float[] TONE = WavBytes.sine(440, 22050, 22050, 0.5);

    static byte[] aiff(float[] x, int rate, int channels, String compression) {
        boolean aifc = compression != null;
        boolean le = "sowt".equals(compression);
        ByteBuffer data = ByteBuffer.allocate(x.length * 2 * channels).order(le ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        for (float v : x) {
            for (int c = 0; c < channels; c++) {
                data.putShort((short) Math.round(v * 32767));
            }
        }
        int commSize = aifc ? 24 : 18;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + commSize + 16 + data.capacity()).order(ByteOrder.BIG_ENDIAN);
        b.put("FORM".getBytes()).putInt(b.capacity() - 8).put((aifc ? "AIFC" : "AIFF").getBytes());
        b.put("COMM".getBytes()).putInt(commSize).putShort((short) channels).putInt(x.length).putShort((short) 16);
        // 80-bit extended sample rate
        int exp = 63 - Long.numberOfLeadingZeros(rate);
        b.putShort((short) (16383 + exp)).putLong((long) rate << (63 - exp));
        if (aifc) {
            b.put(compression.getBytes()).put((byte) 0).put((byte) 0);
        }
        b.put("SSND".getBytes()).putInt(8 + data.capacity()).putInt(0).putInt(0).put(data.array());
        return b.array();
    }

    static byte[] au(float[] x, int rate, int encoding) {
        int bytes = encoding == 1 ? 1 : (encoding == 3 ? 2 : 4);
        ByteBuffer b = ByteBuffer.allocate(24 + x.length * bytes).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x2e736e64).putInt(24).putInt(x.length * bytes).putInt(encoding).putInt(rate).putInt(1);
        for (float v : x) {
            switch (encoding) {
                case 3 -> b.putShort((short) Math.round(v * 32767));
                case 6 -> b.putFloat(v);
                default -> b.put(linearToMulaw((int) Math.round(v * 32767)));
            }
        }
        return b.array();
    }

    /** G.711 µ-law encoding (the test's own, for the decoder to invert). */
    static byte linearToMulaw(int pcm) {
        int sign = pcm < 0 ? 0x80 : 0;
        int mag = Math.min(Math.abs(pcm), 32635) + 0x84;
        int exp = 7;
        for (int mask = 0x4000; (mag & mask) == 0 && exp > 0; mask >>= 1) {
            exp--;
        }
        int mant = (mag >> (exp + 3)) & 0x0F;
        return (byte) ~(sign | exp << 4 | mant);
    }

    private void assertTone(Path p, int rate, double tol) throws IOException {
        AudioClip c = AudioFiles.read(p);
        assertEquals(rate, c.sampleRate(), p.toString());
        assertEquals(TONE.length, c.length(), p.toString());
        double worst = 0;
        for (int i = 0; i < TONE.length; i++) {
            worst = Math.max(worst, Math.abs(TONE[i] - c.samples()[i]));
        }
        assertTrue(worst <= tol, p + ": worst error " + worst);
    }

    @Test
    void aiffAndAifcDecode() throws IOException {
        Files.write(dir.resolve("a.aiff"), aiff(TONE, 22050, 1, null));
        assertTone(dir.resolve("a.aiff"), 22050, 1e-4);
        Files.write(dir.resolve("b.aifc"), aiff(TONE, 22050, 2, "NONE"));
        assertTone(dir.resolve("b.aifc"), 22050, 1e-4);
        Files.write(dir.resolve("c.aifc"), aiff(TONE, 22050, 1, "sowt"));
        assertTone(dir.resolve("c.aifc"), 22050, 1e-4);
    }

    @Test
    void auDecodes() throws IOException {
        Files.write(dir.resolve("a.au"), au(TONE, 22050, 3));
        assertTone(dir.resolve("a.au"), 22050, 1e-4);
        Files.write(dir.resolve("b.au"), au(TONE, 22050, 6));
        assertTone(dir.resolve("b.au"), 22050, 1e-7);
        Files.write(dir.resolve("c.au"), au(TONE, 22050, 1));
        assertTone(dir.resolve("c.au"), 22050, 0.02);
    }

    /** Whether {@code tool} runs here (it answers {@code --version}). */
    static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean ffmpeg() {
        try {
            return new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private Path encode(Path wav, String name, String... codec) throws Exception {
        return ffmpeg(wav, dir.resolve(name), codec);
    }

    /** ffmpeg from {@code in} to {@code out} with {@code args} between them; fails the test on an error. */
    static Path ffmpeg(Path in, Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", in.toString()));
        cmd.addAll(List.of(args));
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        return out;
    }

    /** SNR in dB of b against a, after the best alignment within ±maxLag samples. */
    static double snr(float[] a, float[] b, int maxLag) {
        double best = -1e9;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double s = 0, e = 0;
            for (int i = 2000; i < Math.min(a.length, b.length) - 2000; i++) {
                int j = i + lag;
                if (j < 0 || j >= b.length) {
                    continue;
                }
                s += a[i] * a[i];
                e += (a[i] - b[j]) * (a[i] - b[j]);
            }
            best = Math.max(best, 10 * Math.log10(s / e));
        }
        return best;
    }

    @Test
    void mp3DecodesGaplessly() throws Exception {
        assumeTrue(ffmpeg(), "ffmpeg is not installed");
        float[] speechLike = new float[44100 * 2];
        for (int i = 0; i < speechLike.length; i++) {
            double t = i / 44100.0;
            speechLike[i] = (float) (0.4 * Math.max(0, Math.sin(2 * Math.PI * 3 * t)) * Math.sin(2 * Math.PI * 300 * t));
        }
        Path wav = dir.resolve("s.wav");
        Files.write(wav, WavBytes.pcm16(speechLike, 44100));
        for (String channels : new String[] {"1", "2"}) {
            // the pan filter duplicates the voice into both channels without ffmpeg's -3 dB upmix
            String layout = channels.equals("1") ? "pan=mono|c0=c0" : "pan=stereo|c0=c0|c1=c0";
            Path mp3 = encode(wav, "s" + channels + ".mp3", "-af", layout, "-c:a", "libmp3lame", "-b:a", "192k");
            AudioClip c = AudioFiles.read(mp3);
            assertEquals(44100, c.sampleRate());
            assertEquals(speechLike.length, c.length(), "gapless length, " + channels + " channels");
            double snr = snr(speechLike, c.samples(), 0);
            assertTrue(snr > 25, channels + " channels: SNR " + snr + " dB at zero lag");
        }
    }

    /**
     * AAC-LC in MP4, checked against ffmpeg's own decoding, with ffmpeg's encoder at its defaults (perceptual
     * noise substitution and TNS included; JCodec's decoder, used until 2026-11-30, matched at 1.3 dB here).
     * {@code AacDecoderTest} covers every rate and stereo tool.
     */
    @Test
    void m4aDecodes() throws Exception {
        assumeTrue(ffmpeg(), "ffmpeg is not installed");
        float[] x = new float[44100];
        for (int i = 0; i < x.length; i++) {
            double t = i / 44100.0;
            x[i] = (float) (0.4 * Math.max(0, Math.sin(2 * Math.PI * 3 * t)) * Math.sin(2 * Math.PI * 300 * t));
        }
        Path wav = dir.resolve("t.wav");
        Files.write(wav, WavBytes.pcm16(x, 44100));
        Path m4a = encode(wav, "t.m4a", "-c:a", "aac", "-b:a", "128k");
        Path raw = encode(m4a, "t.f32", "-f", "f32le", "-ac", "1");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        float[] ref = new float[b.remaining() / 4];
        b.asFloatBuffer().get(ref);
        AudioClip c = AudioFiles.read(m4a);
        assertEquals(44100, c.sampleRate());
        double snr = snr(ref, c.samples(), 0);
        assertTrue(snr > 60, "SNR against ffmpeg's decoding " + snr + " dB");
        assertTrue(Math.abs(c.length() - x.length) <= 1024, "length " + c.length());
    }
}
