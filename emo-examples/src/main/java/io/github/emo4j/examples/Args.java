package io.github.emo4j.examples;

import io.github.emo4j.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parsed command line: a command, {@code --name value} options and boolean flags. */
final class Args {
    private static final Set<String> FLAGS = Set.of("verbose", "quiet", "low-memory", "help", "as-fast-as-possible");
    private static final Set<String> OPTIONS = Set.of("portrait", "audio", "out", "pack", "provider", "steps",
            "guidance", "seed", "fps", "face", "motion", "threads", "kind", "quality", "key-interval", "audio-codec",
            "background", "config", "guidance-rescale",
            "reference-guidance", "model-cache", "head-speed", "scheduler", "face-detector", "annotate", "face-index",
            "noise", "trace", "inputs", "tolerance", "frames", "clip-frames", "host", "port", "token");

    final String command;
    /** Arguments that are not options, which only {@code compare} takes. */
    final List<String> positional;
    private final Map<String, String> values;

    private Args(String command, Map<String, String> values, List<String> positional) {
        this.command = command;
        this.values = values;
        this.positional = List.copyOf(positional);
    }

    static Args parse(String[] args) {
        if (args.length == 0) {
            return new Args("help", Map.of(), List.of());
        }
        Map<String, String> v = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h")) {
                a = "--help";
            }
            if (!a.startsWith("--")) {
                if (!args[0].equals("compare")) {
                    throw new InvalidInputException("unexpected argument '" + a + "'");
                }
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (FLAGS.contains(name)) {
                v.put(name, "true");
            } else if (OPTIONS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new InvalidInputException("option --" + name + " needs a value");
                    }
                    value = args[++i];
                }
                v.put(name, value);
            } else {
                throw new InvalidInputException("unknown option --" + name);
            }
        }
        return new Args(args[0], v, positional);
    }

    Args with(String name, String value) {
        Map<String, String> v = new HashMap<>(values);
        v.put(name, value);
        return new Args(command, v, positional);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String value(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new InvalidInputException("missing --" + name);
        }
        return v;
    }

    int intValue(String name, int dflt, int lo, int hi) {
        if (!has(name)) {
            return dflt;
        }
        long v = longValue(name, dflt);
        if (v < lo || v > hi) {
            throw new InvalidInputException("--" + name + " must be between " + lo + " and " + hi + ": " + v);
        }
        return (int) v;
    }

    long longValue(String name, long dflt) {
        if (!has(name)) {
            return dflt;
        }
        try {
            return Long.parseLong(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--" + name + " must be a whole number: '" + values.get(name) + "'");
        }
    }

    /** A finite number: NaN and infinities are refused like any other word. */
    double doubleValue(String name) {
        double v;
        try {
            v = Double.parseDouble(values.get(name).trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw new InvalidInputException("--" + name + " must be a number: '" + values.get(name) + "'");
        }
        return v;
    }
}
