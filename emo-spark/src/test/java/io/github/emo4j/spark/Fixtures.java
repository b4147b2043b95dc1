package io.github.emo4j.spark;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/** Inputs for the Spark tests: the sample portrait and voice, cut and joined, written as files. */
final class Fixtures {
    static final Path PORTRAIT = Path.of("../samples/portrait-astronaut.png");
    static final Path SPEECH = Path.of("../samples/speech-sample.wav");

    private Fixtures() {
    }

    static SparkSession spark() {
        return SparkSession.builder().master("local[2]").appName("emo-spark-test")
                .config("spark.ui.enabled", "false").config("spark.log.level", "WARN")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    /** The first {@code seconds} of the sample voice. */
    static AudioClip voice(double seconds) {
        AudioClip s = EmoPipeline.readAudio(SPEECH);
        return new AudioClip(Arrays.copyOf(s.samples(), (int) Math.round(seconds * s.sampleRate())), s.sampleRate());
    }

    /** The sample voice {@code times} over, with {@code gap} seconds of silence between. */
    static AudioClip longVoice(int times, double gap) {
        AudioClip s = EmoPipeline.readAudio(SPEECH);
        int g = (int) Math.round(gap * s.sampleRate());
        float[] out = new float[times * s.length() + (times - 1) * g];
        for (int i = 0; i < times; i++) {
            System.arraycopy(s.samples(), 0, out, i * (s.length() + g), s.length());
        }
        return new AudioClip(out, s.sampleRate());
    }

    static byte[] wav(AudioClip clip) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * clip.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * clip.length()).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(clip.sampleRate())
                .putInt(2 * clip.sampleRate()).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * clip.length());
        for (float v : clip.samples()) {
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        return b.array();
    }

    static Path writeWav(Path file, AudioClip clip) throws IOException {
        return Files.write(file, wav(clip));
    }

    /** The MP4's audio as ffmpeg decodes it (mono float at {@code rate}), or null without ffmpeg. */
    static float[] decodedAudio(Path mp4, int rate, Path dir) throws IOException, InterruptedException {
        Path raw = dir.resolve(mp4.getFileName() + ".f32");
        Process p;
        try {
            p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", mp4.toString(), "-f", "f32le",
                    "-ac", "1", "-ar", String.valueOf(rate), raw.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed on " + mp4 + ": " + log);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** The shift of {@code b} against {@code a}, within ±{@code reach} samples, that correlates best. */
    static int bestLag(float[] a, float[] b, int reach) {
        int best = 0;
        double bestSum = Double.NEGATIVE_INFINITY;
        int n = Math.min(a.length, b.length);
        for (int lag = -reach; lag <= reach; lag++) {
            double sum = 0;
            for (int i = Math.max(0, -lag); i < n && i + lag < n; i++) {
                sum += a[i] * b[i + lag];
            }
            if (sum > bestSum) {
                bestSum = sum;
                best = lag;
            }
        }
        return best;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
