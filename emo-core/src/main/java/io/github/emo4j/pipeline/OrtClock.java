package io.github.emo4j.pipeline;

/**
 * Time during which at least one ONNX Runtime session of a render was running. A render decodes one
 * clip while it denoises the next, so the runs' own durations overlap and their sum would overstate
 * the model's share of the wall time; the union of the intervals is what a wall-time ratio compares
 * against.
 */
final class OrtClock {
    private int active;
    private long since;
    private long busy;

    synchronized void enter() {
        if (active++ == 0) {
            since = System.nanoTime();
        }
    }

    synchronized void exit() {
        if (--active == 0) {
            busy += System.nanoTime() - since;
        }
    }

    /** Adds a run that was timed elsewhere while no other run was in progress. */
    synchronized void addAlone(long nanos) {
        busy += nanos;
    }

    synchronized long busyNanos() {
        return busy;
    }
}
