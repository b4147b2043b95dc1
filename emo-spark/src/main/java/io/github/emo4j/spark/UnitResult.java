package io.github.emo4j.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What one render task did: {@code ok} with the frames it wrote, or {@code failed} with a one-line
 * reason. Stage times are in seconds; {@code provider} is where it ran, e.g. {@code cuda:1} or {@code cpu}.
 */
record UnitResult(WorkUnit unit, boolean ok, long frames, int fps, int width, int height, String error,
                  double renderSeconds, Map<String, Double> stageSeconds, String provider) implements Serializable {

    static UnitResult failed(WorkUnit unit, String error) {
        return new UnitResult(unit, false, 0, 0, 0, 0, error, 0, Map.of(), null);
    }
}
