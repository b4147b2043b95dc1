package io.github.emo4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load test of issue 24, bounded and on 127.0.0.1: two rounds of 200 requests from 32 clients, a
 * quarter of them bad. Every accepted render finishes or is cancelled; every refusal is a 4xx with a
 * reason; nothing is a 5xx; no file or emo4j thread is left; the heap after the second round is where
 * it was after the first. It prints the API's throughput and latency percentiles (not asserted: the
 * figures are in docs/performance.md).
 */
class ServerLoadTest {
    private static final Path SAMPLES = Path.of("..", "samples");
    private static final int CLIENTS = 32;
    private static final int REQUESTS = 200;
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f]+)\"");

    @TempDir
    Path work;

    private record Answer(String what, int status, String body, long nanos) {
    }

    @Test
    void twoHundredRequestsFromThirtyTwoClientsTwice() throws Exception {
        byte[] portrait = Files.readAllBytes(SAMPLES.resolve("portrait-astronaut.png"));
        AudioClip speech = EmoPipeline.readAudio(SAMPLES.resolve("speech-sample.wav"));
        byte[] voice = TestFiles.wav(speech, 1.0);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4)).build();
        Set<String> before = emoThreads();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (EmoPipeline pipeline = EmoPipeline.builder().build();
             EmoServer server = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(work))) {
            long[] heap = new long[2];
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                List<Answer> answers = round(http, server.uri(), portrait, voice);
                report(round, answers, (System.nanoTime() - t0) / 1e9);
                drain(http, server.uri(), answers);
                try (var left = Files.list(server.work())) {
                    assertEquals(List.of("multipart"), left.map(p -> p.getFileName().toString()).toList(),
                            "only the empty multipart folder is left");
                }
                try (var parts = Files.list(server.work().resolve("multipart"))) {
                    assertEquals(0, parts.count(), "no multipart file is left");
                }
                heap[round] = settledHeap(memory);
            }
            System.out.printf(Locale.ROOT, "server load: heap after round 1 %.1f MB, after round 2 %.1f MB%n",
                    heap[0] / 1e6, heap[1] / 1e6);
            assertTrue(heap[1] < heap[0] + (48L << 20), "heap grew from " + heap[0] + " to " + heap[1]);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> left = emoThreads();
        while (!before.containsAll(left) && System.nanoTime() < until) {
            Thread.sleep(50);
            left = emoThreads();
        }
        left.removeAll(before);
        assertEquals(Set.of(), left, "emo4j threads left after the server and pipeline closed");
    }

    /** 200 requests from 32 clients at once: three quarters good, a quarter bad, in a fixed mix. */
    private static List<Answer> round(HttpClient http, URI uri, byte[] portrait, byte[] voice) throws Exception {
        TestFiles.Multipart render = TestFiles.multipart(Map.of("portrait", portrait, "audio", voice), Map.of("steps", "1"));
        TestFiles.Multipart faces = TestFiles.multipart(Map.of("portrait", portrait), Map.of());
        TestFiles.Multipart textAsVoice = TestFiles.multipart(Map.of("portrait", portrait,
                "audio", "not a voice".getBytes(StandardCharsets.UTF_8)), Map.of());
        TestFiles.Multipart badSteps = TestFiles.multipart(Map.of("portrait", portrait, "audio", voice), Map.of("steps", "many"));
        TestFiles.Multipart noVoice = TestFiles.multipart(Map.of("portrait", portrait), Map.of());
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int k = i;
                futures.add(clients.submit(() -> switch (k % 8) {
                    case 0, 4 -> send(http, "render", post(uri, "api/renders", render), ids);
                    case 1 -> send(http, "health", HttpRequest.newBuilder(uri.resolve("api/health")), ids);
                    case 2 -> send(http, "faces", post(uri, "api/faces", faces), ids);
                    case 5 -> send(http, "status", HttpRequest.newBuilder(uri.resolve("api/renders/" + any(ids))), ids);
                    case 6 -> send(http, "cancel", HttpRequest.newBuilder(uri.resolve("api/renders/" + any(ids))).DELETE(), ids);
                    // the bad quarter
                    case 3 -> send(http, "bad: text as voice", post(uri, "api/renders", textAsVoice), ids);
                    default -> switch (k / 8 % 3) {
                        case 0 -> send(http, "bad: steps", post(uri, "api/renders", badSteps), ids);
                        case 1 -> send(http, "bad: no voice", post(uri, "api/renders", noVoice), ids);
                        default -> send(http, "bad: no such render", HttpRequest.newBuilder(uri.resolve("api/renders/ffff")), ids);
                    };
                }));
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get(300, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            clients.shutdownNow();
        }
    }

    private static HttpRequest.Builder post(URI uri, String path, TestFiles.Multipart m) {
        return HttpRequest.newBuilder(uri.resolve(path)).header("Content-Type", m.type())
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.body()));
    }

    private static String any(Set<String> ids) {
        return ids.stream().findAny().orElse("0000");
    }

    private static Answer send(HttpClient http, String what, HttpRequest.Builder request, Set<String> ids) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - t0;
        int s = r.statusCode();
        assertTrue(s < 500, what + ": " + s + " " + r.body());
        if (s >= 400) {
            assertTrue(r.body().matches("\\{\"error\":\".{10,}\"}"), what + ": a 4xx without a reason: " + r.body());
        }
        boolean bad = what.startsWith("bad");
        assertTrue(!bad || s >= 400, what + " was taken: " + s + " " + r.body());
        if (what.equals("render") && s == 202) {
            Matcher m = ID.matcher(r.body());
            assertTrue(m.find(), r.body());
            ids.add(m.group(1));
        }
        return new Answer(what, s, r.body(), nanos);
    }

    /** Waits for every accepted render to finish or be cancelled, then deletes it. */
    private static void drain(HttpClient http, URI uri, List<Answer> answers) throws Exception {
        for (Answer a : answers) {
            if (!a.what().equals("render") || a.status() != 202) {
                continue;
            }
            Matcher m = ID.matcher(a.body());
            assertTrue(m.find());
            String id = m.group(1);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri.resolve("api/renders/" + id)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 404) {
                    break; // cancelled by a client of the round
                }
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(!r.body().contains("\"state\":\"failed\""), "render failed: " + r.body());
                if (r.body().contains("\"state\":\"done\"") || r.body().contains("\"state\":\"cancelled\"")) {
                    http.send(HttpRequest.newBuilder(uri.resolve("api/renders/" + id)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
                    break;
                }
                assertTrue(System.nanoTime() < until, "render " + id + " never ended: " + r.body());
                Thread.sleep(100);
            }
        }
    }

    private static void report(int round, List<Answer> answers, double seconds) {
        long[] nanos = answers.stream().mapToLong(Answer::nanos).sorted().toArray();
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        answers.forEach(a -> byStatus.merge(a.status(), 1L, Long::sum));
        long[] quick = answers.stream().filter(a -> !a.what().equals("render") && !a.what().equals("faces"))
                .mapToLong(Answer::nanos).sorted().toArray();
        System.out.printf(Locale.ROOT, "server load round %d: %d requests from %d clients in %.2f s (%.0f requests/s), statuses %s; all requests "
                        + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; requests without a decode (health, status, "
                        + "cancel, 404) p50 %.1f ms, p99 %.1f ms%n", round + 1, answers.size(), CLIENTS, seconds, answers.size() / seconds, byStatus,
                pct(nanos, 0.5), pct(nanos, 0.9), pct(nanos, 0.99), nanos[nanos.length - 1] / 1e6, pct(quick, 0.5), pct(quick, 0.99));
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private static Set<String> emoThreads() {
        Set<String> names = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("emo")).forEach(names::add);
        return names;
    }
}
