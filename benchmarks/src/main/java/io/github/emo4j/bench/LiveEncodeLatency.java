package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.FragmentedMp4Writer;
import io.github.emo4j.video.Mp4Writer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long the live stream's H.264 encoder holds each frame: the frames of a talking head (the built-in
 * pack's render of the sample portrait and voice, kept in memory) are fed one at a time to the fragmented
 * MP4 writer a live page plays, and the time each {@code accept} takes is reported (median, 90th
 * percentile, slowest) with the bytes written. A live frame waits for this before it can be sent. Not
 * JMH: the distribution over frames is what is measured.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.emo4j.bench.LiveEncodeLatency PORTRAIT
 * VOICE [seconds] [passes]}. To compare with an older encoder, put that build's {@code emo-video} jar first
 * on the class path.
 */
public final class LiveEncodeLatency {
    private LiveEncodeLatency() {
    }

    public static void main(String[] args) throws Exception {
        BufferedImage portrait = EmoPipeline.readPortrait(Path.of(args[0]));
        AudioClip voice = EmoPipeline.readAudio(Path.of(args[1]));
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 4;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        float[] v = Arrays.copyOf(voice.samples(), (int) Math.min(voice.length(), seconds * voice.sampleRate()));
        List<int[]> frames = new ArrayList<>();
        int[] size = new int[2];
        try (EmoPipeline p = EmoPipeline.builder().build()) {
            p.render(RenderRequest.builder(portrait, new AudioClip(v, voice.sampleRate())).build(),
                    RenderedFrames.into(frames, size));
        }
        int n = frames.size(), w = size[0], h = size[1];
        float[] voiceOfFrame = new float[640];
        for (int pass = 1; pass <= passes; pass++) {
            long[] took = new long[n];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (FragmentedMp4Writer writer = new FragmentedMp4Writer(out, w, h, 25, 16000, 4, 4, Mp4Writer.DEFAULT_QP)) {
                for (int k = 0; k < n; k++) {
                    long t0 = System.nanoTime();
                    writer.accept(frames.get(k), voiceOfFrame);
                    took[k] = System.nanoTime() - t0;
                }
                writer.finish();
            }
            Arrays.sort(took);
            System.out.printf(Locale.ROOT, "pass %d: %d frames of %dx%d, encode per frame median %.2f ms, p90 %.2f ms, "
                    + "slowest %.2f ms; %d bytes%n", pass, n, w, h, took[n / 2] / 1e6, took[n * 9 / 10] / 1e6,
                    took[n - 1] / 1e6, out.size());
        }
    }
}
