package io.github.emo4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.video.Mp4Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A render task killed in the middle of its render is run again and leaves exactly one video. The test
 * finds the render stage by the job description emo-spark sets ("emo4j: render ...").
 */
class KilledTaskTest extends LocalSparkTest {

    @Test
    void aKilledRenderIsRetriedAndLeavesOneVideo(@TempDir Path dir) throws Exception {
        Path voice = Fixtures.writeWav(dir.resolve("v.wav"), Fixtures.voice(12));
        Path out = dir.resolve("out");
        Map<Long, Boolean> running = new ConcurrentHashMap<>();
        java.util.Set<Integer> renderStages = ConcurrentHashMap.newKeySet();
        List<String> killed = new CopyOnWriteArrayList<>();
        AtomicBoolean once = new AtomicBoolean();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        SparkListener killer = new SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
                String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
                if (description != null && description.startsWith("emo4j: render")) {
                    for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) {
                        renderStages.add((Integer) stage);
                    }
                }
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart e) {
                long id = e.taskInfo().taskId();
                running.put(id, true);
                // the first attempt of the render task, a second into its render of 12 s of voice
                if (e.taskInfo().attemptNumber() == 0 && renderStages.contains(e.stageId())) {
                    timer.schedule(() -> {
                        if (running.containsKey(id) && once.compareAndSet(false, true)) {
                            spark.sparkContext().killTaskAttempt(id, true, "killed by the test");
                        }
                    }, 1000, TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                running.remove(e.taskInfo().taskId());
                if (e.reason() instanceof TaskKilled k) {
                    killed.add(k.reason() + " after " + e.taskInfo().duration() + " ms");
                }
            }
        };
        spark.sparkContext().addSparkListener(killer);
        try {
            Dataset<Row> jobs = spark.createDataFrame(List.of(EmoBatchTest.job("long", Fixtures.PORTRAIT.toString(), null,
                    voice.toString(), null, 1L, null)), EmoBatch.JOB_SCHEMA);
            Row r = EmoBatch.render(jobs, BatchOptions.into(out.toString()).withThreads(1)).collectAsList().get(0);
            assertEquals("ok", r.getString(1), r.getString(5));
            assertEquals(300, r.getLong(2));
            assertEquals(300, Mp4Reader.probe(Path.of(r.getString(4))).videoFrames());
        } finally {
            spark.sparkContext().removeSparkListener(killer);
            timer.shutdownNow();
        }
        assertEquals(1, killed.size(), "killed attempts: " + killed);
        assertTrue(killed.get(0).startsWith("killed by the test"), killed.get(0));
        try (var s = Files.list(out)) {
            assertEquals(List.of("long.mp4"), s.map(p -> p.getFileName().toString()).toList());
        }
        System.out.println("killed: " + killed);
    }
}
