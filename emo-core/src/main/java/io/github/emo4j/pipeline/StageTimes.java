package io.github.emo4j.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one render's time goes, by stage. Each stopwatch is started and stopped by one thread; the
 * render creates every stopwatch on its own thread before any helper thread uses one, and reads them
 * only after the helpers have finished, so no stopwatch needs a lock.
 */
final class StageTimes {
    private final Map<String, Stopwatch> stages = new LinkedHashMap<>();

    /** The stopwatch of stage {@code name}, created at zero on first use. */
    Stopwatch stage(String name) {
        return stages.computeIfAbsent(name, k -> new Stopwatch());
    }

    /** Nanoseconds per stage so far. */
    Map<String, Long> nanos() {
        Map<String, Long> m = new LinkedHashMap<>();
        stages.forEach((name, w) -> m.put(name, w.total));
        return m;
    }

    /** Accumulates the spans between {@link #start} and {@link #stop}. */
    static final class Stopwatch {
        private long total;
        private long since;

        Stopwatch start() {
            since = System.nanoTime();
            return this;
        }

        /** Adds the span since {@link #start}. */
        void stop() {
            total += System.nanoTime() - since;
        }
    }
}
