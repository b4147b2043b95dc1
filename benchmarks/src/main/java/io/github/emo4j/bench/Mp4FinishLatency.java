package io.github.emo4j.bench;

import io.github.emo4j.video.Mp4Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What an MP4 file's writer still does after its last frame: {@link Mp4Writer#finish} on a render whose
 * video costs next to nothing to encode (64×64 frames, one group of pictures), so that the time is the
 * rest: the voice's AAC, the muxer and faststart. A render waits for this before its file exists. Not
 * JMH: one number a pass is what is compared.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.emo4j.bench.Mp4FinishLatency
 * [seconds] [passes]}; the voice is {@code seconds} long at 16 kHz, the video 16 fps.
 */
public final class Mp4FinishLatency {
    private Mp4FinishLatency() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int w = 64, h = 64, fps = 16, frames = seconds * fps;
        float[] voice = new float[16000 * seconds];
        for (int i = 0; i < voice.length; i++) {
            voice[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.sin(i * 0.0007));
        }
        int[] frame = new int[w * h];
        Path dir = Files.createTempDirectory("emo-finish");
        Path out = dir.resolve("f.mp4");
        double[] took = new double[passes];
        for (int pass = 0; pass < passes; pass++) {
            try (Mp4Writer writer = new Mp4Writer(out, w, h, fps, 1, voice, 16000)) {
                for (int k = 0; k < frames; k++) {
                    frame[k % frame.length] = k;
                    writer.accept(frame);
                }
                // the frames' encoding, on the writer's threads, is long over: what remains is the finish's own
                Thread.sleep(100);
                long t0 = System.nanoTime();
                writer.finish();
                took[pass] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(dir);
        double[] late = Arrays.copyOfRange(took, passes / 2, passes);
        Arrays.sort(late);
        System.out.printf(Locale.ROOT, "%d s of voice, %d frames: finish took %s ms; median of the last %d passes %.1f ms%n",
                seconds, frames, Arrays.toString(Arrays.stream(took).map(t -> Math.round(t * 10) / 10.0).toArray()),
                late.length, late[late.length / 2]);
    }
}
