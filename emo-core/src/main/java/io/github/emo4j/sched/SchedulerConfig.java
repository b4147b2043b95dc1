package io.github.emo4j.sched;

import java.util.Map;

/** Typed reads of diffusers-style configuration keys, with diffusers' defaults. */
final class SchedulerConfig {
    private final Map<String, Object> m;

    SchedulerConfig(Map<String, Object> m) {
        this.m = m;
    }

    /** The training noise schedule the configuration describes. */
    NoiseSchedule schedule() {
        return NoiseSchedule.from(m);
    }

    /** Refuses {@code key} unless it is absent or {@code supported}. */
    void requireOnly(String key, String supported) {
        if (!supported.equals(string(key, supported))) {
            throw new IllegalArgumentException("scheduler config: only " + key + " " + supported + " is supported");
        }
    }

    /** Refuses diffusers' dynamic thresholding, which these samplers do not implement. */
    void refuseThresholding() {
        if (bool("thresholding", false)) {
            throw new IllegalArgumentException("scheduler config: dynamic thresholding is not supported");
        }
    }

    double number(String key, double dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("scheduler config: '" + key + "' must be a number, not " + v);
        }
        if (!Double.isFinite(n.doubleValue())) {
            // Python's NaN and Infinity are read (diffusers writes them), but no setting used here may be one
            throw new IllegalArgumentException("scheduler config: '" + key + "' must be a finite number, not " + n);
        }
        return n.doubleValue();
    }

    int integer(String key, int dflt, int lo, int hi) {
        double d = number(key, dflt);
        if (d != Math.rint(d) || d < lo || d > hi) {
            throw new IllegalArgumentException("scheduler config: '" + key + "' must be a whole number in " + lo + ".." + hi + ", not " + d);
        }
        return (int) d;
    }

    boolean bool(String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("scheduler config: '" + key + "' must be true or false, not " + v);
        }
        return b;
    }

    String string(String key, String dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("scheduler config: '" + key + "' must be a string, not " + v);
        }
        return s;
    }
}
