package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A live session's latency on the built-in pack, the voice fed in 20 ms chunks at real-time pace to a
 * listener that does nothing: the first-frame delay of N session starts (median, and each), and the frame
 * latencies of the last run. Not JMH: latency under real-time pacing is what is measured, not throughput.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.emo4j.bench.LiveLatency PORTRAIT VOICE
 * [starts] [clipFrames] [seconds] [firstClipFrames]}; a first clip shorter than the others makes the first frame
 * wait for less voice
 */
public final class LiveLatency {
    private LiveLatency() {
    }

    public static void main(String[] args) throws Exception {
        BufferedImage portrait = EmoPipeline.readPortrait(Path.of(args[0]));
        AudioClip voice = EmoPipeline.readAudio(Path.of(args[1]));
        int starts = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int clipFrames = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 2;
        int firstClip = args.length > 5 ? Integer.parseInt(args[5]) : clipFrames;
        float[] v = Arrays.copyOf(voice.samples(), (int) Math.min(voice.length(), seconds * voice.sampleRate()));
        try (EmoPipeline p = EmoPipeline.builder().build()) {
            FaceBox face = p.locateFace(portrait, null);
            RenderRequest req = RenderRequest.live(portrait).face(face).clipFrames(clipFrames)
                    .firstClipFrames(firstClip).build();
            double[] first = new double[starts];
            LiveStats last = null;
            for (int run = 0; run < starts; run++) {
                last = once(p, req, v, voice.sampleRate());
                first[run] = last.firstFrameNanos() / 1e6;
                System.out.printf(Locale.ROOT, "start %d: first frame %.0f ms; latency p50 %.0f ms, p99 %.0f ms, max %.0f ms, "
                        + "%d frames%n", run + 1, first[run], last.latencyP50Nanos() / 1e6, last.latencyP99Nanos() / 1e6,
                        last.latencyMaxNanos() / 1e6, last.frames());
            }
            double[] sorted = first.clone();
            Arrays.sort(sorted);
            int m = firstClip + 2 + 1;
            System.out.printf(Locale.ROOT, "clips of %d frames, the first of %d, at %dx%d: first-frame delay median %.0f ms "
                    + "of %d starts (the first clip waits for the voice of %d frames, %.0f ms, before any compute)%n",
                    clipFrames, firstClip, portrait.getWidth(), portrait.getHeight(), sorted[starts / 2], starts, m, m * 40.0);
            double[] closes = new double[starts];
            for (int run = 0; run < starts; run++) {
                closes[run] = closeMidUtterance(p, req, v, voice.sampleRate());
            }
            Arrays.sort(closes);
            System.out.printf(Locale.ROOT, "close mid-utterance: median %.1f ms, slowest %.1f ms of %d%n", closes[starts / 2],
                    closes[starts - 1], starts);
        }
    }

    /** Feeds a second of voice in real time, then closes the session while it is making clips; the close's time in ms. */
    private static double closeMidUtterance(EmoPipeline p, RenderRequest req, float[] v, int rate) throws Exception {
        LiveSession s = p.live(req, LiveOptions.DEFAULT.withSampleRate(rate), frame -> { });
        Microphone.feed(s, v, Math.min(v.length, rate), rate, at -> { });
        long t0 = System.nanoTime();
        s.close();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static LiveStats once(EmoPipeline p, RenderRequest req, float[] v, int rate) throws Exception {
        CountDownLatch over = new CountDownLatch(1);
        AtomicReference<LiveStats> end = new AtomicReference<>();
        LiveSession.Listener quiet = new LiveSession.Listener() {
            @Override
            public void onFrame(LiveFrame frame) {
            }

            @Override
            public void onEnd(LiveStats stats) {
                end.set(stats);
                over.countDown();
            }

            @Override
            public void onError(io.github.emo4j.EmoException e) {
                e.printStackTrace();
                over.countDown();
            }
        };
        try (LiveSession s = p.live(req, LiveOptions.DEFAULT.withSampleRate(rate), quiet)) {
            Microphone.feed(s, v, v.length, rate, at -> { });
            s.end();
            over.await(120, TimeUnit.SECONDS);
        }
        return end.get();
    }
}
