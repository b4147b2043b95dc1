package io.github.emo4j.examples;

import io.github.emo4j.Npy;
import io.github.emo4j.InvalidInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emo compare A B}: two trace folders, tensor by tensor. Files are matched by their path
 * relative to each folder; each pair's largest and mean absolute difference is printed, worst first,
 * with the files that only one folder has. This is how an export is checked against its original:
 * write the original's tensors in the trace layout, then compare.
 */
@Command(name = "compare", sortOptions = false,
        description = {"Two trace folders (render --trace), tensor by tensor: largest and mean absolute difference, worst "
                + "first; exit 1 when one is above the tolerance or missing."})
final class CompareCommand extends EmoCommand {
    @Parameters(index = "0", paramLabel = "A", description = "a trace folder")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "the trace folder to compare it with")
    Path second;

    @Option(names = "--tolerance", paramLabel = "T", description = "the largest difference allowed (default 1e-4)")
    double tolerance = 1e-4;

    @Option(names = "--shared", description = "compare only the tensors both folders have; list the others "
            + "without failing (an original's hooks save a part of what emo4j traces)")
    boolean shared;

    CompareCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws IOException {
        if (!(tolerance >= 0)) {
            throw new InvalidInputException("--tolerance must be 0 or more: " + tolerance);
        }
        return run(first, second, tolerance, shared, console.out());
    }

    private record Difference(String file, double max, double mean, String problem) {
    }

    /** Prints the comparison; returns 0 when every tensor is in both and within {@code tolerance}, else 1. */
    static int run(Path a, Path b, double tolerance, PrintStream out) throws IOException {
        return run(a, b, tolerance, false, out);
    }

    /**
     * Prints the comparison; with {@code shared}, a tensor that one folder lacks is listed but does not
     * fail it, as long as some tensor is in both.
     */
    static int run(Path a, Path b, double tolerance, boolean shared, PrintStream out) throws IOException {
        Set<String> inA = npyFiles(a), inB = npyFiles(b);
        List<Difference> diffs = new ArrayList<>();
        Set<String> all = new TreeSet<>(inA);
        all.addAll(inB);
        for (String f : all) {
            if (!inA.contains(f) || !inB.contains(f)) {
                diffs.add(new Difference(f, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                        "only in " + (inA.contains(f) ? a : b)));
                continue;
            }
            Npy.Array x = Npy.read(a.resolve(f)), y = Npy.read(b.resolve(f));
            if (!Arrays.equals(x.shape(), y.shape())) {
                diffs.add(new Difference(f, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                        "shapes " + Arrays.toString(x.shape()) + " and " + Arrays.toString(y.shape())));
                continue;
            }
            double max = 0, sum = 0;
            float[] u = x.values(), v = y.values();
            for (int i = 0; i < u.length; i++) {
                double d = Math.abs((double) u[i] - v[i]);
                // NaN on one side only is as different as it gets
                if (Double.isNaN(d) && !(Float.isNaN(u[i]) && Float.isNaN(v[i]))) {
                    d = Double.POSITIVE_INFINITY;
                } else if (Double.isNaN(d)) {
                    d = 0;
                }
                max = Math.max(max, d);
                sum += d;
            }
            diffs.add(new Difference(f, max, u.length == 0 ? 0 : sum / u.length, null));
        }
        if (diffs.isEmpty()) {
            throw new InvalidInputException(a + " and " + b + ": no .npy files to compare");
        }
        diffs.sort(Comparator.comparingDouble(Difference::max).reversed().thenComparing(Difference::file));
        int above = 0, compared = 0, unmatched = 0;
        out.printf(Locale.ROOT, "%-12s %-12s %s%n", "max |a-b|", "mean |a-b|", "tensor");
        for (Difference d : diffs) {
            boolean alone = d.problem() != null && d.problem().startsWith("only in ");
            if (d.problem() != null) {
                out.printf(Locale.ROOT, "%-12s %-12s %s (%s)%n", "-", "-", d.file(), d.problem());
            } else {
                out.printf(Locale.ROOT, "%-12.3e %-12.3e %s%n", d.max(), d.mean(), d.file());
            }
            if (alone && shared) {
                unmatched++;
                continue;
            }
            compared++;
            if (!(d.max() <= tolerance)) {
                above++;
            }
        }
        if (compared == 0) {
            throw new InvalidInputException(a + " and " + b + ": no tensor is in both");
        }
        out.printf(Locale.ROOT, "%d tensors compared, %d above tolerance %.1e%s%n", compared, above, tolerance,
                shared ? ", " + unmatched + " in one folder only" : "");
        return above == 0 ? 0 : 1;
    }

    private static Set<String> npyFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + ": not a folder");
        }
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(dir, 8)) {
            walk.filter(p -> p.toString().endsWith(".npy") && Files.isRegularFile(p))
                    .forEach(p -> files.add(dir.relativize(p).toString().replace('\\', '/')));
        }
        return files;
    }
}
