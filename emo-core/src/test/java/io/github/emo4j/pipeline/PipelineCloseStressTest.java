package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.Progress;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.Video;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.procedural.ProceduralPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closes pipelines at random moments during their renders, hundreds of times, as a server shutting
 * down does. Before the fix the JVM died with SIGSEGV inside {@code OrtSession.run}; a crash here ends
 * the test JVM, and so the build. Every render must end in its video or in
 * {@link RenderCancelledException}, leave no partial file, and leave no helper thread behind; and
 * {@code close} must come back promptly.
 */
class PipelineCloseStressTest {

    private static final int ROUNDS = 240;

    @TempDir
    Path dir;

    @Test
    void closingDuringRendersNeverCrashesOrLeavesFiles() throws Exception {
        Path packDir = dir.resolve("pack");
        ProceduralPack.of(48, 6, 2, 2).source().writeTo(packDir);
        RenderRequest base = RenderRequest.builder(OracleTest.portrait(), OracleTest.voice())
                .face(new FaceBox(50, 40, 60, 60)).steps(3).build();
        long helpersBefore = CancellationSoakTest.helperThreads();
        ExecutorService renders = Executors.newFixedThreadPool(2);
        Random rnd = new Random(26);
        int finished = 0, cancelled = 0;
        long worstCloseNanos = 0;
        long t0 = System.nanoTime();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                int i = round;
                EmoPipeline emo = EmoPipeline.builder().pack(packDir).threads(1).build();
                CountDownLatch started = new CountDownLatch(1);
                Path out = dir.resolve("r" + i + ".mp4");
                RenderRequest req = base.toBuilder().seed(i).progress(p -> {
                    if (p.stage() == Progress.Stage.PREPARE) {
                        started.countDown();
                    }
                }).build();
                // two renders share the pipeline, so that close meets one in flight on each thread
                Future<Video> a = renders.submit(() -> emo.render(req, out));
                Future<Video> b = renders.submit(() -> emo.render(req.toBuilder().seed(i + 1000).build(), dir.resolve("s" + i + ".mp4")));
                assertTrue(started.await(30, TimeUnit.SECONDS), "a render did not start");
                // a whole render takes about 150 ms here (2 cores): close anywhere from its start to near its end
                Thread.sleep(rnd.nextInt(150));
                long c0 = System.nanoTime();
                emo.close();
                worstCloseNanos = Math.max(worstCloseNanos, System.nanoTime() - c0);
                for (Future<Video> f : List.of(a, b)) {
                    try {
                        Video v = f.get(60, TimeUnit.SECONDS);
                        assertTrue(Files.size(v.file()) > 0);
                        finished++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof RenderCancelledException) {
                            cancelled++;
                        } else if (e.getCause() instanceof IllegalStateException ise && ise.getMessage().contains("closed")) {
                            // this render had not entered the pipeline yet (the other one started first, and the
                            // close came before this one's thread got to it): refused, nothing written
                            cancelled++;
                        } else {
                            throw e;
                        }
                    }
                }
                emo.close(); // a second close does nothing
            }
        } finally {
            renders.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("close stress: %d pipelines closed during renders in %.1f s; %d renders finished, %d cancelled;"
                + " slowest close %.0f ms%n", ROUNDS, seconds, finished, cancelled, worstCloseNanos / 1e6);
        assertTrue(renders.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(2 * ROUNDS, finished + cancelled);
        assertTrue(cancelled > ROUNDS / 8, "closes must have met renders in flight: " + cancelled);
        assertTrue(finished > 0, "some renders must have finished before their close");
        assertTrue(worstCloseNanos < TimeUnit.SECONDS.toNanos(5), "close waited " + worstCloseNanos / 1e6 + " ms");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
            assertEquals(List.of(), left, "partial files left behind");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (CancellationSoakTest.helperThreads() > helpersBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(helpersBefore, CancellationSoakTest.helperThreads(), "helper threads outlived their pipelines");
    }
}
