package io.github.emo4j.spark;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.MotionControl;
import io.github.emo4j.RenderRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Render options by name, as the batch options and a job's {@code options} column give them. */
final class RenderOptions {
    static final Set<String> NAMES = Set.of("steps", "guidance", "fps", "quality", "motion", "scheduler", "seed", "prompt",
            "negative_prompt");

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
        RenderRequest.Builder r = request.toBuilder();
        for (Map.Entry<String, String> e : options.entrySet()) {
            Object v = value(e.getKey(), e.getValue());
            switch (e.getKey()) {
                case "steps" -> r.steps((Integer) v);
                case "guidance" -> r.guidance((Double) v);
                case "fps" -> r.fps((Integer) v);
                case "quality" -> r.encoding(quality(request, (Integer) v));
                case "motion" -> r.motion((MotionControl) v);
                case "scheduler" -> r.scheduler((String) v);
                case "seed" -> r.seed((Long) v);
                case "prompt" -> r.prompt((String) v);
                case "negative_prompt" -> r.negativePrompt((String) v);
                default -> throw new IllegalStateException(e.getKey());
            }
        }
        return r.build();
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
