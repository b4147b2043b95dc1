package io.github.emo4j.pipeline;

/**
 * Time inside ONNX Runtime during one render, counted two ways. A render decodes one clip while it
 * denoises the next, so the runs' own durations overlap: their sum ({@link #runNanos}) says how much
 * work the sessions did, while the union of their intervals ({@link #busyNanos}) is what a wall-time
 * ratio compares against.
 */
final class OrtClock {
    private int active;
    private long since;
    private long busy;
    private long runs;

    synchronized void enter() {
        if (active++ == 0) {
            since = System.nanoTime();
        }
    }

    /** Ends a run that lasted {@code runNanos} by the session's own measure. */
    synchronized void exit(long runNanos) {
        runs += runNanos;
        if (--active == 0) {
            busy += System.nanoTime() - since;
        }
    }

    /** Adds a run that was timed elsewhere while no other run was in progress. */
    synchronized void addAlone(long nanos) {
        busy += nanos;
        runs += nanos;
    }

    /** Wall time during which at least one run was in progress. */
    synchronized long busyNanos() {
        return busy;
    }

    /** The sum of every run's own duration. */
    synchronized long runNanos() {
        return runs;
    }
}
