package io.github.emo4j.spark;

import io.github.emo4j.ExecutionProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code emo batch}: renders the jobs of a CSV on Spark, in local mode on this machine or, under
 * {@code spark-submit}, on a cluster. Writes {@code DIR/<id>.mp4} and {@code DIR/results.csv}; exits 0
 * when every job succeeded, 2 when any failed on bad input (or the options or the jobs file are bad), 1
 * when Spark or the file system failed.
 */
public final class BatchCli {
    static final String USAGE = String.join("\n",
            "usage: emo batch --jobs FILE.csv --out DIR [--master local[N]] [--segment-seconds S] [options]",
            "",
            "Renders every job of FILE.csv (header id,portrait,audio[,seed][,output][,prompt][,negative_prompt];",
            "relative paths are relative to the CSV's folder) on Apache Spark, into DIR/<id>.mp4, and writes DIR/results.csv",
            "(id,status,frames,seconds,output,error). Paths may be on any Hadoop file system (hdfs://, s3a://).",
            "",
            "  --master M           Spark master (default: local[*], this machine; spark-submit's own when",
            "                       run under spark-submit)",
            "  --segment-seconds S  cut voices longer than S seconds at pauses and render the segments in",
            "                       parallel, then join them (default 0: every voice whole)",
            "  --join-frames J      frames two segments share and cross-fade (default 8)",
            "  --pack DIR           model pack on every executor (default: the built-in procedural pack)",
            "  --threads N          ONNX Runtime threads per task (default: spark.task.cpus)",
            "  --gpu-provider P     provider on a GPU Spark assigns a task: cuda (default), tensorrt, rocm, ...",
            "  --steps N, --guidance G, --fps F, --quality Q, --motion P,E,L, --scheduler NAME, --seed N,",
            "  --prompt TEXT, --negative-prompt TEXT",
            "                       render options for every job (a seed or prompt column wins over the option;",
            "                       a prompt needs a pack with a text encoder)",
            "  --verbose            stack traces and Spark's log",
            "",
            "exit status: 0 every job done; 2 a job failed on bad input, or the options or jobs file are bad;",
            "1 Spark or the file system failed.");

    private BatchCli() {
    }

    /**
     * Runs {@code emo batch} and exits with its status.
     *
     * @param args the command line, without the word {@code batch}
     */
    public static void main(String[] args) {
        String[] a = args.length > 0 && args[0].equals("batch") ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        boolean own = System.getProperty("spark.master") == null;
        if (own && System.getProperty("log4j2.configurationFile") == null && !List.of(a).contains("--verbose")) {
            // before anything logs: Spark's own default prints its INFO lines
            System.setProperty("log4j2.configurationFile", "classpath:io/github/emo4j/spark/batch-log4j2.properties");
        }
        System.exit(run(a, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = List.of(args).contains("--verbose");
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("emo batch: " + e.getMessage());
            return 2;
        }
        if (opts.containsKey("help")) {
            out.println(USAGE);
            return 0;
        }
        BatchOptions options;
        try {
            options = options(opts);
        } catch (IllegalArgumentException e) {
            err.println("emo batch: " + e.getMessage());
            return 2;
        }
        SparkSession spark = null;
        try {
            SparkSession.Builder b = SparkSession.builder().appName("emo batch");
            if (opts.containsKey("master")) {
                b.master(opts.get("master"));
            } else if (System.getProperty("spark.master") == null) {
                b.master("local[*]").config("spark.ui.enabled", "false");
            }
            spark = b.getOrCreate();
            List<List<String>> csv;
            try {
                csv = readJobs(spark, opts.get("jobs"));
            } catch (IllegalArgumentException e) {
                err.println("emo batch: " + e.getMessage());
                return 2;
            }
            Dataset<Row> jobs = spark.createDataFrame(jobRows(csv, opts.get("jobs")), jobSchema(csv.get(0)));
            List<Row> results = EmoBatch.render(jobs, options).collectAsList();
            writeResults(spark, opts.get("out"), results);
            long failed = results.stream().filter(r -> !"ok".equals(r.getString(1))).count();
            for (Row r : results) {
                if (!"ok".equals(r.getString(1))) {
                    err.println(r.getString(0) + ": " + r.getString(5));
                }
            }
            out.println("emo batch: " + (results.size() - failed) + " of " + results.size() + " job(s) rendered into "
                    + opts.get("out") + "; results in " + opts.get("out").replaceAll("/+$", "") + "/results.csv");
            return failed == 0 ? 0 : 2;
        } catch (RuntimeException | IOException e) {
            err.println("emo batch: " + UnitRenderer.oneLine(e.getMessage() == null ? e.toString() : e.getMessage()));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        } finally {
            if (spark != null && System.getProperty("spark.master") == null) {
                spark.stop();
                ExecutorPipelines.closeAll();
            }
        }
    }

    private static final List<String> FLAGS = List.of("help", "verbose");
    private static final List<String> VALUED = List.of("jobs", "out", "master", "segment-seconds", "join-frames",
            "pack", "threads", "gpu-provider", "steps", "guidance", "fps", "quality", "motion", "scheduler", "seed", "prompt",
            "negative-prompt");

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (see --help)");
            }
            String name = arg.substring(2);
            if (FLAGS.contains(name)) {
                m.put(name, "");
            } else if (VALUED.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                m.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + arg + " (see --help)");
            }
        }
        if (!m.containsKey("help")) {
            for (String need : List.of("jobs", "out")) {
                if (!m.containsKey(need)) {
                    throw new IllegalArgumentException("--" + need + " is required (see --help)");
                }
            }
        }
        return m;
    }

    static BatchOptions options(Map<String, String> opts) {
        Map<String, String> render = new LinkedHashMap<>();
        for (String r : RenderOptions.NAMES) {
            // flags are spelled with hyphens: --negative-prompt
            String flag = r.replace('_', '-');
            if (opts.containsKey(flag)) {
                render.put(r, opts.get(flag));
            }
        }
        ExecutionProvider.Kind kind = null;
        if (opts.containsKey("gpu-provider")) {
            try {
                kind = ExecutionProvider.Kind.valueOf(opts.get("gpu-provider").toUpperCase(Locale.ROOT).replace("-", "_"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown GPU provider '" + opts.get("gpu-provider") + "'");
            }
        }
        return new BatchOptions(opts.get("out"), opts.get("pack"), kind, number(opts, "threads", 0),
                decimal(opts, "segment-seconds", 0), number(opts, "join-frames", BatchOptions.DEFAULT_JOIN_FRAMES), render);
    }

    private static int number(Map<String, String> opts, String name, int dflt) {
        try {
            return opts.containsKey(name) ? Integer.parseInt(opts.get(name).trim()) : dflt;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a whole number: '" + opts.get(name) + "'");
        }
    }

    private static double decimal(Map<String, String> opts, String name, double dflt) {
        try {
            return opts.containsKey(name) ? Double.parseDouble(opts.get(name).trim()) : dflt;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: '" + opts.get(name) + "'");
        }
    }

    /** The jobs file, read through Hadoop (a local path or any file system's URI), within 64 MB. */
    private static List<List<String>> readJobs(SparkSession spark, String file) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(p)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        if (fs.getFileStatus(p).isDirectory()) {
            throw new IllegalArgumentException(file + ": is a folder, not a CSV file");
        }
        if (fs.getFileStatus(p).getLen() > 64L << 20) {
            throw new IllegalArgumentException(file + ": larger than 64 MB; give a Dataset to EmoBatch.render instead");
        }
        try (InputStream in = fs.open(p)) {
            return JobsCsv.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
        }
    }

    private static StructType jobSchema(List<String> header) {
        StructType t = new StructType();
        for (String h : header) {
            t = t.add(h, DataTypes.StringType, true);
        }
        return t;
    }

    /** The rows with relative input paths made relative to the CSV's folder. */
    private static List<Row> jobRows(List<List<String>> csv, String file) {
        List<String> header = csv.get(0);
        Path base = new Path(file).getParent();
        List<Row> rows = new ArrayList<>();
        for (List<String> r : csv.subList(1, csv.size())) {
            Object[] v = new Object[r.size()];
            for (int i = 0; i < v.length; i++) {
                String s = r.get(i);
                boolean path = List.of("portrait", "audio", "output").contains(header.get(i));
                v[i] = s.isEmpty() ? null : path ? resolve(base, s) : s;
            }
            rows.add(RowFactory.create(v));
        }
        return rows;
    }

    private static String resolve(Path base, String s) {
        Path p = new Path(s);
        if (p.isAbsolute() || p.toUri().getScheme() != null || base == null) {
            return s;
        }
        return new Path(base, s).toString();
    }

    /** {@code results.csv} beside the videos, published whole. */
    private static void writeResults(SparkSession spark, String outDir, List<Row> results) throws IOException {
        StringBuilder sb = new StringBuilder("id,status,frames,seconds,output,error\n");
        for (Row r : results) {
            sb.append(csv(r.getString(0))).append(',').append(r.getString(1)).append(',').append(r.getLong(2)).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", r.getDouble(3))).append(',')
                    .append(csv(r.getString(4))).append(',').append(csv(r.getString(5))).append('\n');
        }
        java.nio.file.Path tmp = Files.createTempFile("emo4j-results-", ".csv");
        try {
            Files.writeString(tmp, sb.toString());
            new HadoopFiles(spark.sparkContext().hadoopConfiguration())
                    .publish(tmp, outDir.replaceAll("/+$", "") + "/results.csv", UnitRenderer.attempt());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
