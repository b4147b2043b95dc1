package io.github.emo4j.spark;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.MotionControl;
import io.github.emo4j.RenderRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Render options by name, as the batch options and a job's {@code options} column give them. */
final class RenderOptions {
    static final Set<String> NAMES = Set.of("steps", "guidance", "fps", "quality", "motion", "scheduler", "seed");

    private RenderOptions() {
    }

    /** A job's render options: the batch's, then the job's own over them. */
    static Map<String, String> of(BatchOptions batch, Job job) {
        Map<String, String> m = new java.util.LinkedHashMap<>(batch.render());
        m.putAll(job.options());
        return m;
    }

    /** Checks names and values without a request at hand. */
    static void check(Map<String, String> options) {
        try {
            for (Map.Entry<String, String> e : options.entrySet()) {
                value(e.getKey(), e.getValue());
            }
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code request} with every option of {@code options} applied. */
    static RenderRequest apply(RenderRequest request, Map<String, String> options) {
        RenderRequest r = request;
        for (Map.Entry<String, String> e : options.entrySet()) {
            Object v = value(e.getKey(), e.getValue());
            r = switch (e.getKey()) {
                case "steps" -> r.toBuilder().steps((Integer) v).build();
                case "guidance" -> r.toBuilder().guidance((Double) v).build();
                case "fps" -> r.toBuilder().fps((Integer) v).build();
                case "quality" -> r.toBuilder().encoding(quality(r, (Integer) v)).build();
                case "motion" -> r.toBuilder().motion((MotionControl) v).build();
                case "scheduler" -> r.toBuilder().scheduler((String) v).build();
                case "seed" -> r.toBuilder().seed((Long) v).build();
                default -> throw new IllegalStateException(e.getKey());
            };
        }
        return r;
    }

    private static io.github.emo4j.video.EncodingOptions quality(RenderRequest r, int qp) {
        try {
            return r.encoding().withQp(qp);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("render option quality: " + e.getMessage(), e);
        }
    }

    private static Object value(String name, String text) {
        if (!NAMES.contains(name)) {
            throw new InvalidInputException("unknown render option '" + name + "' (known: "
                    + String.join(", ", new TreeSet<>(NAMES)) + ")");
        }
        String t = text == null ? "" : text.trim();
        try {
            return switch (name) {
                case "steps", "fps", "quality" -> Integer.parseInt(t);
                case "guidance" -> Double.parseDouble(t);
                case "seed" -> Long.parseLong(t);
                case "motion" -> MotionControl.parse(t);
                default -> t;
            };
        } catch (NumberFormatException e) {
            throw new InvalidInputException("render option " + name + ": not a number: '" + t + "'");
        }
    }
}
