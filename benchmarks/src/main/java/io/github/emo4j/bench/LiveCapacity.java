package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How many live sessions at once one pipeline serves in real time on this machine: for 1, 2, ... N
 * sessions, each fed the sample voice in 20 ms chunks at real-time pace (the lag policy off: a stop
 * instead of fewer steps, so that what is measured is the asked work), the latency percentiles, the
 * worst lag, and the time per frame of each stage. Not JMH: a load under real-time pacing.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.emo4j.bench.LiveCapacity PORTRAIT VOICE
 * [maxSessions] [seconds] [clipFrames]}
 */
public final class LiveCapacity {
    private LiveCapacity() {
    }

    public static void main(String[] args) throws Exception {
        BufferedImage portrait = EmoPipeline.readPortrait(Path.of(args[0]));
        AudioClip voice = EmoPipeline.readAudio(Path.of(args[1]));
        int max = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 12;
        int clipFrames = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        int rate = voice.sampleRate();
        float[] v = Arrays.copyOf(voice.samples(), (int) Math.min(voice.length(), seconds * rate));
        try (EmoPipeline p = EmoPipeline.builder().build()) {
            RenderRequest req = RenderRequest.live(portrait).face(p.locateFace(portrait, null)).clipFrames(clipFrames).build();
            for (int n = 1; n <= max; n++) {
                List<Thread> feeders = new ArrayList<>();
                List<AtomicReference<LiveStats>> ends = new ArrayList<>();
                List<double[]> worstLag = new ArrayList<>();
                CountDownLatch over = new CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    AtomicReference<LiveStats> end = new AtomicReference<>();
                    double[] lag = new double[1];
                    ends.add(end);
                    worstLag.add(lag);
                    LiveSession.Listener l = new LiveSession.Listener() {
                        @Override
                        public void onFrame(LiveFrame f) {
                        }

                        @Override
                        public void onEnd(LiveStats s) {
                            end.set(s);
                            over.countDown();
                        }

                        @Override
                        public void onError(io.github.emo4j.EmoException e) {
                            System.out.println("  session failed: " + e.getMessage());
                            over.countDown();
                        }
                    };
                    LiveSession s = p.live(req, LiveOptions.DEFAULT.withSampleRate(rate)
                            .withLag(5, LiveOptions.LagPolicy.STOP), l);
                    Thread t = new Thread(() -> feed(s, v, rate, lag), "feeder-" + i);
                    feeders.add(t);
                }
                feeders.forEach(Thread::start);
                for (Thread t : feeders) {
                    t.join();
                }
                over.await(600, TimeUnit.SECONDS);
                report(n, ends, worstLag, v.length / (double) rate);
            }
        }
    }

    private static void feed(LiveSession s, float[] v, int rate, double[] worstLag) {
        try (s) {
            Microphone.feed(s, v, v.length, rate, at -> worstLag[0] = Math.max(worstLag[0], s.stats().lagSeconds()));
            if (!s.isOver()) {
                s.end();
            }
            while (!s.isOver()) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(int n, List<AtomicReference<LiveStats>> ends, List<double[]> lags, double seconds) {
        double p50 = 0, p99 = 0, lag = 0;
        int done = 0;
        Map<String, Long> stages = new java.util.TreeMap<>();
        long frames = 0;
        for (int i = 0; i < n; i++) {
            LiveStats s = ends.get(i).get();
            lag = Math.max(lag, lags.get(i)[0]);
            if (s == null) {
                continue;
            }
            done++;
            p50 = Math.max(p50, s.latencyP50Nanos() / 1e6);
            p99 = Math.max(p99, s.latencyP99Nanos() / 1e6);
            frames += s.frames();
            s.render().stageNanos().forEach((k, t) -> stages.merge(k, t, Long::sum));
        }
        StringBuilder per = new StringBuilder();
        for (Map.Entry<String, Long> e : stages.entrySet()) {
            per.append(String.format(Locale.ROOT, " %s %.1f", e.getKey(), frames == 0 ? 0 : e.getValue() / 1e6 / frames));
        }
        System.out.printf(Locale.ROOT, "%d session(s) of %.0f s: %d ended well; worst p50 %.0f ms, worst p99 %.0f ms, "
                + "p99-p50 %.0f ms, worst lag %.2f s%n  ms per frame:%s%n", n, seconds, done, p50, p99, p99 - p50, lag, per);
    }
}
