package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A long voice fed to a live session in 20 ms chunks at real-time pace (the sample voice repeated):
 * frames out against round(seconds × fps), the latency of every frame by minute (median and p99), and
 * the process's resident memory every 30 s. Not JMH: a soak under real-time pacing.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.emo4j.bench.LiveSoak PORTRAIT VOICE
 * [seconds] [clipFrames]}
 */
public final class LiveSoak {
    private LiveSoak() {
    }

    public static void main(String[] args) throws Exception {
        BufferedImage portrait = EmoPipeline.readPortrait(Path.of(args[0]));
        AudioClip sample = EmoPipeline.readAudio(Path.of(args[1]));
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 300;
        int clipFrames = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int rate = sample.sampleRate();
        float[] v = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < v.length; i++) {
            v[i] = sample.samples()[i % sample.length()];
        }
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch over = new CountDownLatch(1);
        LiveSession.Listener l = new LiveSession.Listener() {
            @Override
            public void onFrame(LiveFrame f) {
                synchronized (latencies) {
                    latencies.add(new long[] {f.index(), f.latencyNanos()});
                }
            }

            @Override
            public void onEnd(LiveStats stats) {
                over.countDown();
            }

            @Override
            public void onError(io.github.emo4j.EmoException e) {
                e.printStackTrace();
                over.countDown();
            }
        };
        try (EmoPipeline p = EmoPipeline.builder().build()) {
            RenderRequest req = RenderRequest.live(portrait).face(p.locateFace(portrait, null)).clipFrames(clipFrames).build();
            int fps = p.packInfo().fps();
            try (LiveSession s = p.live(req, LiveOptions.DEFAULT.withSampleRate(rate), l)) {
                long[] nextRss = {0};
                Microphone.feed(s, v, v.length, rate, at -> {
                    if (at >= nextRss[0]) {
                        System.out.printf(Locale.ROOT, "t=%3.0f s: resident %d MB, lag %.2f s%n", at / 1e9, rssMb(),
                                s.stats().lagSeconds());
                        nextRss[0] += 30_000_000_000L;
                    }
                });
                s.end();
                over.await(600, TimeUnit.SECONDS);
                LiveStats st = s.stats();
                System.out.printf(Locale.ROOT, "%d frames of %d expected; latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; "
                        + "resident %d MB at the end%n", st.frames(), Math.round(seconds * fps), st.latencyP50Nanos() / 1e6,
                        st.latencyP99Nanos() / 1e6, st.latencyMaxNanos() / 1e6, rssMb());
            }
            long perMinute = 60L * fps;
            synchronized (latencies) {
                for (long m = 0; m * perMinute < latencies.size(); m++) {
                    final long minute = m;
                    long[] inMinute = latencies.stream().filter(x -> x[0] / perMinute == minute).mapToLong(x -> x[1]).sorted()
                            .toArray();
                    System.out.printf(Locale.ROOT, "minute %d: %d frames, latency p50 %.0f ms, p99 %.0f ms%n", m + 1,
                            inMinute.length, inMinute[inMinute.length / 2] / 1e6,
                            inMinute[Math.min(inMinute.length - 1, (int) (0.99 * inMinute.length))] / 1e6);
                }
            }
        }
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
