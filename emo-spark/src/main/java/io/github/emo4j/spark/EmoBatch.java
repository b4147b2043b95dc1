package io.github.emo4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a Dataset of jobs on Spark and returns a Dataset of results, one row per job.
 *
 * <pre>{@code
 * Dataset<Row> jobs = spark.read().option("header", true).csv("s3a://bucket/jobs.csv"); // id, portrait, audio
 * Dataset<Row> results = EmoBatch.render(jobs, BatchOptions.into("s3a://bucket/videos").withSegmentSeconds(60));
 * results.write().parquet("s3a://bucket/results");
 * }</pre>
 *
 * The jobs' columns are read by name ({@link #JOB_SCHEMA}); a job whose input is bad fails its own row
 * and the others go on. Each executor loads the pack once and shares it across its tasks
 * ({@link ExecutorPipelines}); a task on a GPU that Spark assigned renders on it. Voices longer than
 * {@link BatchOptions#segmentSeconds()} are cut at pauses and their segments rendered as parallel tasks,
 * then joined. Every video appears at its output path whole or not at all, and retried or speculative
 * tasks leave one file. The call renders eagerly: the returned Dataset holds the results.
 */
public final class EmoBatch {
    private static final Logger LOG = LoggerFactory.getLogger(EmoBatch.class);

    /**
     * The columns a jobs Dataset may have, read by name: {@code id} (required; letters, digits, '.', '_'
     * and '-'), the portrait as a path ({@code portrait}, any Hadoop file system) or bytes
     * ({@code portrait_bytes}), the voice likewise ({@code audio} or {@code audio_bytes}), {@code output}
     * (default: the batch's folder and {@code <id>.mp4}), {@code seed} and {@code options} (render options
     * by name, over the batch's).
     */
    public static final StructType JOB_SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("portrait", DataTypes.StringType, true)
            .add("portrait_bytes", DataTypes.BinaryType, true)
            .add("audio", DataTypes.StringType, true)
            .add("audio_bytes", DataTypes.BinaryType, true)
            .add("output", DataTypes.StringType, true)
            .add("seed", DataTypes.LongType, true)
            .add("options", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true);

    /**
     * The result of each job: {@code status} {@code ok} or {@code failed}, the video's {@code frames} and
     * length in {@code seconds}, its {@code output} path, a one-line {@code error} for a failed job, the
     * {@code segments} it was rendered in and the frames where they {@code joins} meet, the render's wall
     * time summed over its tasks ({@code render_seconds}) and per stage ({@code stage_seconds}, with
     * {@code join} for the join), and the {@code provider} it ran on ({@code cpu}, {@code cuda:1}; a
     * segmented job lists each its segments used).
     */
    public static final StructType RESULT_SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("frames", DataTypes.LongType, false)
            .add("seconds", DataTypes.DoubleType, false)
            .add("output", DataTypes.StringType, true)
            .add("error", DataTypes.StringType, true)
            .add("segments", DataTypes.IntegerType, false)
            .add("joins", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("render_seconds", DataTypes.DoubleType, false)
            .add("stage_seconds", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), false)
            .add("provider", DataTypes.StringType, true);

    private EmoBatch() {
    }

    /**
     * Renders every job.
     *
     * @param jobs    the jobs, with the columns of {@link #JOB_SCHEMA} that they use
     * @param options where videos go, the pack, devices, segmenting and render options
     * @return one result row per job, in the jobs' order, with the columns of {@link #RESULT_SCHEMA}
     * @throws IllegalArgumentException if {@code jobs} has no {@code id} column
     */
    public static Dataset<Row> render(Dataset<Row> jobs, BatchOptions options) {
        if (!List.of(jobs.columns()).contains("id")) {
            throw new IllegalArgumentException("the jobs have no 'id' column (columns: " + String.join(", ", jobs.columns()) + ")");
        }
        SparkSession spark = jobs.sparkSession();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(sc.hadoopConfiguration());
        UnitRenderer renderer = new UnitRenderer(options, files);

        // plan on the executors (a long voice is read to find its pauses), then one task per unit, longest first
        JavaRDD<Row> rows = jobs.toJavaRDD();
        String description = sc.getLocalProperty("spark.job.description");
        try {
            return render(spark, sc, files, renderer, rows, options);
        } finally {
            sc.setJobDescription(description);
        }
    }

    private static Dataset<Row> render(SparkSession spark, JavaSparkContext sc, HadoopFiles files, UnitRenderer renderer,
                                       JavaRDD<Row> rows, BatchOptions options) {
        sc.setJobDescription("emo4j: read jobs");
        List<Job> parsed = rows.zipWithIndex().map(t -> Job.of(t._1(), options, t._2())).collect();
        sc.setJobDescription("emo4j: plan " + parsed.size() + " job(s)");
        int planTasks = Math.max(1, Math.min(parsed.size(), 4 * sc.defaultParallelism()));
        List<WorkUnit> units = new ArrayList<>(sc.parallelize(parsed, planTasks)
                .flatMap(j -> renderer.plan(j).iterator()).collect());
        List<WorkUnit> order = new ArrayList<>(units);
        order.sort(Comparator.comparingLong(WorkUnit::frames).reversed());
        sc.setJobDescription("emo4j: render " + order.size() + " unit(s)");
        List<UnitResult> done = order.isEmpty() ? List.of()
                : sc.parallelize(order, order.size()).map(renderer::render).collect();

        Map<String, List<UnitResult>> byJob = new LinkedHashMap<>();
        for (UnitResult r : done) {
            byJob.computeIfAbsent(r.unit().job().id() + "\u0000" + r.unit().job().output(), k -> new ArrayList<>()).add(r);
        }
        List<List<UnitResult>> toJoin = new ArrayList<>();
        for (List<UnitResult> rs : byJob.values()) {
            rs.sort(Comparator.comparingInt(r -> r.unit().segment()));
            if (rs.get(0).unit().isSegment() && rs.stream().allMatch(UnitResult::ok)) {
                toJoin.add(rs);
            }
        }
        SegmentJoiner joiner = new SegmentJoiner(options, files);
        Map<String, UnitResult> joined = new TreeMap<>();
        if (!toJoin.isEmpty()) {
            sc.setJobDescription("emo4j: join " + toJoin.size() + " video(s)");
            for (UnitResult r : sc.parallelize(toJoin, toJoin.size()).map(joiner::join).collect()) {
                joined.put(r.unit().job().id() + "\u0000" + r.unit().job().output(), r);
            }
        }

        List<Row> results = new ArrayList<>();
        for (Job job : parsed) {
            String key = job.id() + "\u0000" + job.output();
            List<UnitResult> rs = byJob.get(key);
            results.add(row(job, rs, joined.get(key)));
            cleanUp(files, job, rs);
        }
        LOG.info("rendered {} job(s) in {} task(s)", parsed.size(), units.size());
        return spark.createDataFrame(results, RESULT_SCHEMA);
    }

    private static Row row(Job job, List<UnitResult> rs, UnitResult joined) {
        List<Long> joins = new ArrayList<>();
        UnitResult r;
        if (rs == null || rs.isEmpty()) {
            r = UnitResult.failed(WorkUnit.whole(job), "not rendered");
        } else if (rs.size() == 1) {
            r = rs.get(0);
        } else {
            for (int i = 1; i < rs.size(); i++) {
                WorkUnit u = rs.get(i).unit();
                joins.add(u.keepFrom() + (rs.get(i - 1).unit().keepTo() - u.keepFrom()) / 2);
            }
            UnitResult firstFailed = rs.stream().filter(x -> !x.ok()).findFirst().orElse(null);
            r = firstFailed != null ? firstFailed : joined;
        }
        boolean ok = r != null && r.ok();
        String error = ok ? null : (r == null ? "not joined" : (rs != null && rs.size() > 1 ? "segment "
                + r.unit().segment() + ": " : "") + r.error());
        return RowFactory.create(job.id(), ok ? "ok" : "failed", ok ? r.frames() : 0L,
                ok && r.fps() > 0 ? r.frames() / (double) r.fps() : 0.0, ok ? job.output() : null, error,
                rs == null ? 0 : rs.size(), joins, ok ? r.renderSeconds() : 0.0, ok ? r.stageSeconds() : Map.<String, Double>of(), ok ? r.provider() : null);
    }

    /** Removes a job's segments and what killed attempts left beside its output. */
    private static void cleanUp(HadoopFiles files, Job job, List<UnitResult> rs) {
        if (job.output() == null) {
            return;
        }
        try {
            files.sweep(job.output());
            if (rs != null && rs.size() > 1) {
                for (UnitResult r : rs) {
                    files.sweep(r.unit().output());
                }
                String work = UnitRenderer.workDir(job);
                files.delete(work, true);
                String parent = work.substring(0, work.lastIndexOf('/'));
                if (files.fileSystem(new org.apache.hadoop.fs.Path(parent)).listStatus(new org.apache.hadoop.fs.Path(parent)).length == 0) {
                    files.delete(parent, false);
                }
            }
        } catch (IOException e) {
            LOG.warn("cleaning up after {}: {}", job.id(), e.toString());
        } catch (UncheckedIOException e) {
            LOG.warn("cleaning up after {}: {}", job.id(), e.getCause().toString());
        }
    }
}
