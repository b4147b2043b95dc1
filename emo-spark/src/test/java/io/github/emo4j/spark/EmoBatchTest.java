package io.github.emo4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.Mp4Reader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch of good and bad jobs on Spark in local mode: one row each, one file per good job, nothing else. */
class EmoBatchTest extends LocalSparkTest {

    @Test
    void badJobsFailTheirRowsAndGoodJobsRender(@TempDir Path dir) throws Exception {
        Path voice = Fixtures.writeWav(dir.resolve("voice.wav"), Fixtures.voice(1.6));
        Path notAudio = Files.writeString(dir.resolve("notes.wav"), "these are not samples");
        Path blank = dir.resolve("blank.png");
        BufferedImage gray = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        Files.write(blank, Fixtures.png(gray));
        String portrait = Fixtures.PORTRAIT.toAbsolutePath().toString();
        Path out = dir.resolve("videos");
        List<Row> rows = List.of(
                job("paths", portrait, null, voice.toString(), null, 7L, null),
                job("bytes", null, Files.readAllBytes(Fixtures.PORTRAIT), null, Fixtures.wav(Fixtures.voice(1.2)), null, null),
                job("not-audio", portrait, null, notAudio.toString(), null, null, null),
                job("missing", dir.resolve("nobody.png").toString(), null, voice.toString(), null, null, null),
                job("no-face", blank.toString(), null, voice.toString(), null, null, null),
                job("../escape", portrait, null, voice.toString(), null, null, null),
                job("bad-option", portrait, null, voice.toString(), null, null, Map.of("steps", "many")));
        Dataset<Row> jobs = spark.createDataFrame(rows, EmoBatch.JOB_SCHEMA);
        Map<String, Row> byId = new HashMap<>();
        for (Row r : EmoBatch.render(jobs, BatchOptions.into(out.toString())).collectAsList()) {
            byId.put(r.getString(0), r);
        }
        assertEquals(7, byId.size());
        for (String ok : List.of("paths", "bytes")) {
            Row r = byId.get(ok);
            assertEquals("ok", r.getString(1), ok + ": " + r.getString(5));
            Mp4Reader.Info info = Mp4Reader.probe(Path.of(r.getString(4)));
            assertEquals(r.getLong(2), info.videoFrames());
            assertEquals(ok.equals("paths") ? 40 : 30, r.getLong(2));
            assertEquals(r.getLong(2) / 25.0, r.getDouble(3), 1e-9);
            assertNull(r.getString(5));
            assertTrue(r.getDouble(8) > 0);
            assertTrue(r.<String, Double>getJavaMap(9).containsKey("denoise"), r.getJavaMap(9).toString());
            assertEquals("cpu", r.getString(10));
        }
        assertFailed(byId.get("not-audio"), "notes.wav");
        assertFailed(byId.get("missing"), "nobody.png");
        assertFailed(byId.get("no-face"), "face");
        assertFailed(byId.get("../escape"), "cannot name a file");
        assertFailed(byId.get("bad-option"), "steps");
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("bytes.mp4", "paths.mp4"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the good jobs' videos, no partial or hidden files");
        }
        // every task of the batch used the one pipeline this JVM (the local executor) loaded
        assertEquals(1, ExecutorPipelines.size());
    }

    @Test
    void theSameSeedGivesTheSameVideoAsARenderWithoutSpark(@TempDir Path dir) throws Exception {
        AudioClip clip = Fixtures.voice(1.0);
        Path voice = Fixtures.writeWav(dir.resolve("v.wav"), clip);
        Path out = dir.resolve("out");
        Dataset<Row> jobs = spark.createDataFrame(List.of(job("one", Fixtures.PORTRAIT.toString(), null, voice.toString(), null, 3L, null)),
                EmoBatch.JOB_SCHEMA);
        Row r = EmoBatch.render(jobs, BatchOptions.into(out.toString())).collectAsList().get(0);
        assertEquals("ok", r.getString(1), r.getString(5));
        Path alone = dir.resolve("alone.mp4");
        try (var p = io.github.emo4j.EmoPipeline.builder().threads(1).build()) {
            p.render(io.github.emo4j.RenderRequest.builder(io.github.emo4j.EmoPipeline.readPortrait(Fixtures.PORTRAIT),
                    io.github.emo4j.EmoPipeline.readAudio(voice)).seed(3).build(), alone);
        }
        List<int[]> a = frames(Path.of(r.getString(4))), b = frames(alone);
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(java.util.Arrays.equals(a.get(i), b.get(i)), "frame " + i);
        }
    }

    static List<int[]> frames(Path mp4) throws Exception {
        List<int[]> out = new ArrayList<>();
        Mp4Reader.frames(mp4, (rgb, k) -> out.add(rgb.clone()));
        return out;
    }

    static void assertFailed(Row r, String mentions) {
        assertEquals("failed", r.getString(1), r.getString(0));
        assertFalse(r.isNullAt(5));
        assertTrue(r.getString(5).contains(mentions), r.getString(0) + ": " + r.getString(5));
        assertFalse(r.getString(5).contains("\n"));
        assertNull(r.getString(4));
        assertEquals(0, r.getLong(2));
    }

    static Row job(String id, String portrait, byte[] portraitBytes, String audio, byte[] audioBytes, Long seed,
                   Map<String, String> options) {
        return RowFactory.create(id, portrait, portraitBytes, audio, audioBytes, null, seed, options);
    }
}
