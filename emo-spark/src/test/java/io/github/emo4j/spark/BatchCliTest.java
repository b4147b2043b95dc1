package io.github.emo4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emo batch} as a user runs it: a CSV in, videos and results.csv out, the exit status. */
class BatchCliTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @AfterAll
    static void close() {
        ExecutorPipelines.closeAll();
    }

    int run(String... args) {
        out.reset();
        err.reset();
        return BatchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aCsvOfGoodAndBadJobs(@TempDir Path dir) throws Exception {
        Fixtures.writeWav(dir.resolve("voice.wav"), Fixtures.voice(1.2));
        Files.copy(Fixtures.PORTRAIT, dir.resolve("face.png"));
        Path csv = Files.writeString(dir.resolve("jobs.csv"), "id,portrait,audio,seed\n"
                + "first,face.png,voice.wav,1\n"
                + "second,face.png,voice.wav,\n"
                + "\"broken\",face.png,absent.wav,3\n"
                + "third,face.png,voice.wav,abc\n");
        Path videos = dir.resolve("videos");
        int code = run("--jobs", csv.toString(), "--out", videos.toString(), "--master", "local[2]", "--steps", "2");
        assertEquals(2, code, err.toString());
        List<String> lines = Files.readAllLines(videos.resolve("results.csv"));
        assertEquals("id,status,frames,seconds,output,error", lines.get(0));
        assertEquals(5, lines.size(), lines.toString());
        assertEquals("first,ok,30,1.200," + videos.resolve("first.mp4") + ",", lines.get(1));
        assertTrue(lines.get(2).startsWith("second,ok,30,1.200,"), lines.get(2));
        assertTrue(lines.get(3).startsWith("broken,failed,0,0.000,,") && lines.get(3).contains("absent.wav"), lines.get(3));
        assertTrue(lines.get(4).startsWith("third,failed,0,0.000,,") && lines.get(4).contains("seed"), lines.get(4));
        String e = err.toString();
        assertEquals(2, e.lines().count(), "one line per failed job: " + e);
        assertFalse(e.contains("\tat "), e);
        try (var s = Files.list(videos)) {
            assertEquals(List.of("first.mp4", "results.csv", "second.mp4"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(0, run("--jobs", Files.writeString(dir.resolve("good.csv"), "id,portrait,audio\nok,face.png,voice.wav\n").toString(),
                "--out", dir.resolve("good").toString(), "--master", "local[1]", "--steps", "1"), err.toString());
        assertTrue(Files.exists(dir.resolve("good/ok.mp4")));
    }

    /**
     * A job's prompt column reaches its render: the built-in pack has no text encoder, so the prompted job
     * fails alone, by name, and the one without a prompt renders; {@code --negative-prompt} reaches every job.
     */
    @Test
    void aPromptColumnReachesItsJobsRender(@TempDir Path dir) throws Exception {
        Fixtures.writeWav(dir.resolve("voice.wav"), Fixtures.voice(0.6));
        Files.copy(Fixtures.PORTRAIT, dir.resolve("face.png"));
        Path csv = Files.writeString(dir.resolve("jobs.csv"), "id,portrait,audio,prompt\n"
                + "said,face.png,voice.wav,\"a person talking,\ncalmly, \"\"quoted\"\"\"\n"
                + "plain,face.png,voice.wav,\n"
                + "long,face.png,voice.wav," + "x".repeat(10_001) + "\n");
        Path videos = dir.resolve("videos");
        assertEquals(2, run("--jobs", csv.toString(), "--out", videos.toString(), "--master", "local[1]", "--steps", "1"),
                err.toString());
        List<String> lines = Files.readAllLines(videos.resolve("results.csv"));
        assertTrue(lines.get(1).startsWith("said,failed,") && lines.get(1).contains("prompt: this pack has no text_encoder"),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("plain,ok,"), lines.get(2));
        assertTrue(lines.get(3).startsWith("long,failed,") && lines.get(3).contains("prompt: 10001 characters; at most 10000"),
                lines.get(3));
        assertEquals(2, run("--jobs", csv.toString(), "--out", dir.resolve("neg").toString(), "--master", "local[1]",
                "--steps", "1", "--negative-prompt", "blurry"), err.toString());
        lines = Files.readAllLines(dir.resolve("neg/results.csv"));
        assertTrue(lines.get(2).startsWith("plain,failed,") && lines.get(2).contains("negativePrompt"), lines.get(2));
    }

    @Test
    void badOptionsAndJobFilesAreOneLine(@TempDir Path dir) throws Exception {
        assertEquals(2, run("--out", dir.toString()));
        assertEquals("emo batch: --jobs is required (see --help)\n", err.toString());
        assertEquals(2, run("--jobs", "x.csv", "--out", dir.toString(), "--segment-seconds", "1"));
        assertTrue(err.toString().startsWith("emo batch: segment seconds must be 0"), err.toString());
        assertEquals(2, run("--jobs", "x.csv", "--out", dir.toString(), "--steps", "lots"));
        assertTrue(err.toString().contains("steps"), err.toString());
        Path noId = Files.writeString(dir.resolve("no-id.csv"), "name,portrait,audio\na,b,c\n");
        assertEquals(2, run("--jobs", noId.toString(), "--out", dir.toString(), "--master", "local[1]"));
        assertTrue(err.toString().contains("no 'id' column"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertEquals(2, run("--jobs", dir.resolve("absent.csv").toString(), "--out", dir.toString(), "--master", "local[1]"));
        assertTrue(err.toString().contains("absent.csv: no such file"), err.toString());
        assertEquals(0, run("--help"));
        assertTrue(out.toString().startsWith("usage: emo batch"));
    }
}
