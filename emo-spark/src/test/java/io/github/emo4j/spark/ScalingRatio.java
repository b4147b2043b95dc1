package io.github.emo4j.spark;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The scale-out benchmark (run by benchmarks/spark-ratio.sh): N renders in Spark local mode with one
 * ONNX Runtime thread per task, against the same renders one after another on one pipeline with ONNX
 * Runtime on every core. Alternates the two, and prints each pass and the ratio of their medians.
 * Arguments: jobs, seconds of voice per job, passes.
 */
public final class ScalingRatio {
    private ScalingRatio() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 6;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("emo4j-scaling-");
        Path voice = Fixtures.writeWav(dir.resolve("voice.wav"), Fixtures.voice(seconds));
        BufferedImage portrait = EmoPipeline.readPortrait(Fixtures.PORTRAIT);
        AudioClip clip = EmoPipeline.readAudio(voice);
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("scaling")
                .config("spark.ui.enabled", "false").config("spark.log.level", "ERROR").getOrCreate();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            rows.add(EmoBatchTest.job("job-" + i, Fixtures.PORTRAIT.toAbsolutePath().toString(), null, voice.toString(), null, (long) i, null));
        }
        BatchOptions options = BatchOptions.into(dir.resolve("spark").toString()).withThreads(1);
        List<Double> sparkTimes = new ArrayList<>(), serialTimes = new ArrayList<>();
        try (EmoPipeline serial = EmoPipeline.builder().threads(cores).build()) {
            // warm both: the pack's sessions load once per pipeline
            EmoBatch.render(spark.createDataFrame(rows.subList(0, 1), EmoBatch.JOB_SCHEMA), options).collectAsList();
            serial.render(RenderRequest.of(portrait, clip), dir.resolve("warm.mp4"));
            for (int pass = 0; pass < passes; pass++) {
                long t0 = System.nanoTime();
                List<Row> results = EmoBatch.render(spark.createDataFrame(rows, EmoBatch.JOB_SCHEMA), options).collectAsList();
                double s = (System.nanoTime() - t0) / 1e9;
                if (results.stream().anyMatch(r -> !"ok".equals(r.getString(1)))) {
                    throw new IllegalStateException("a job failed: " + results);
                }
                t0 = System.nanoTime();
                for (int i = 0; i < jobs; i++) {
                    serial.render(RenderRequest.builder(portrait, clip).seed(i).build(), dir.resolve("serial-" + i + ".mp4"));
                }
                double q = (System.nanoTime() - t0) / 1e9;
                sparkTimes.add(s);
                serialTimes.add(q);
                System.out.printf("pass %d: spark local[%d], 1 thread per task: %.2f s; one after another, %d threads: %.2f s%n",
                        pass + 1, cores, s, cores, q);
            }
        } finally {
            spark.stop();
            ExecutorPipelines.closeAll();
        }
        sparkTimes.sort(null);
        serialTimes.sort(null);
        double a = sparkTimes.get(passes / 2), b = serialTimes.get(passes / 2);
        System.out.printf("%d jobs of %.1f s voice on %d cores: serial/spark = %.3f (medians %.2f s / %.2f s)%n",
                jobs, seconds, cores, b / a, b, a);
    }
}
