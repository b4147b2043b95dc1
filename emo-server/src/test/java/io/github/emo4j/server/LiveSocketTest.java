package io.github.emo4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code WS /api/live} over a real socket: the sample portrait, the sample voice sent as a microphone
 * sends it (20 ms of 16-bit PCM at a time, at the clock's pace), and the stream that comes back; then
 * each refusal, with its reason and close code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveSocketTest {
    private static final Path SAMPLES = Path.of("..", "samples");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmoPipeline pipeline;
    private EmoServer server;
    private byte[] portrait;
    private AudioClip speech;
    private Path work;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("emo-live-test");
        pipeline = EmoPipeline.builder().build();
        server = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(work));
        portrait = Files.readAllBytes(SAMPLES.resolve("portrait-astronaut.png"));
        speech = EmoPipeline.readAudio(SAMPLES.resolve("speech-sample.wav"));
    }

    @AfterAll
    void stop() throws IOException {
        server.close();
        pipeline.close();
        try (var left = Files.list(work)) {
            assertEquals(0, left.count(), "the server's temporary folder is gone");
        }
        Files.delete(work);
    }

    /** What came back on one socket: texts, stream bytes, and how it closed. */
    private static final class Received implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final CompletableFuture<String> started = new CompletableFuture<>();
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String t = text.toString();
                text.setLength(0);
                texts.add(t);
                if (t.contains("\"type\":\"ready\"")) {
                    ready.complete(null);
                } else if (t.contains("\"type\":\"started\"")) {
                    started.complete(t);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                synchronized (stream) {
                    stream.writeBytes(binary.toByteArray());
                }
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }

        String last(String type) {
            for (int i = texts.size() - 1; i >= 0; i--) {
                if (texts.get(i).contains("\"type\":\"" + type + "\"")) {
                    return texts.get(i);
                }
            }
            return null;
        }
    }

    private WebSocket open(String query, Received r) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/api/live" + query);
        return http.newWebSocketBuilder().buildAsync(uri, r).get(10, TimeUnit.SECONDS);
    }

    /** A socket whose session has started: opened, ready, the sample portrait sent and taken. */
    private WebSocket openStarted(String query, Received r) throws Exception {
        WebSocket ws = open(query, r);
        r.ready.get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(portrait), true).get();
        r.started.get(30, TimeUnit.SECONDS);
        return ws;
    }

    @Test
    void aVoiceSentAsAMicrophoneSendsItComesBackAsAStreamOfEveryFrame() throws Exception {
        Received r = new Received();
        int rate = speech.sampleRate();
        WebSocket ws = openStarted("?sampleRate=" + rate + "&steps=2&seed=7", r);
        String started = r.started.get();
        assertTrue(started.contains("\"fps\":25") && started.contains("\"face\":["), started);

        double seconds = 3.0;
        int chunk = rate / 50;
        float[] s = speech.samples();
        long t0 = System.nanoTime();
        for (int i = 0; i < seconds * rate; i += chunk) {
            long due = t0 + (long) (i / (double) rate * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            ByteBuffer b = ByteBuffer.allocate(2 * chunk).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < chunk; k++) {
                b.putShort((short) Math.round(s[i + k] * 32767));
            }
            ws.sendBinary(b.flip(), true).get();
        }
        ws.sendText("end", true).get();
        String closed = r.closed.get(60, TimeUnit.SECONDS);
        assertTrue(closed.startsWith("1000 "), closed + " " + r.texts);

        String end = r.last("end");
        assertTrue(end != null && end.contains("\"firstFrameMs\":"), String.valueOf(r.texts));
        int frames = Integer.parseInt(end.replaceAll(".*\"frames\":(\\d+).*", "$1"));
        // every frame of the voice; a few more only if the socket's first voice came late enough to be
        // taken for a pause (the session fills pauses over 200 ms with listening)
        assertTrue(frames >= 75 && frames <= 85, "frames " + frames);
        assertTrue(r.last("stats") != null && r.last("stats").contains("\"renderFps\":25,"), "a stats text after each "
                + "piece, with the frame rate rendered: " + r.last("stats"));

        byte[] mp4 = r.stream.toByteArray();
        List<String> boxes = topLevelBoxes(mp4);
        assertEquals(List.of("ftyp", "moov"), boxes.subList(0, 2), boxes.toString());
        long fragments = boxes.stream().filter("moof"::equals).count();
        assertEquals(fragments, boxes.stream().filter("mdat"::equals).count());
        assertTrue(fragments >= frames / 12, fragments + " fragments for " + frames + " frames");
        assertEquals(frames, videoSamples(mp4), "the stream holds every frame the session counted");
        awaitNoLiveSessions();
    }

    @Test
    void refusalsSayWhyAndFreeTheirSlot() throws Exception {
        assertRefused("?steps=lots", null, "1008", "steps must be a whole number");
        assertRefused("?prompt=a%20person", null, "1008", "prompt: this server's pack has no text encoder, so it takes no prompt");
        assertRefused("?sampleRate=4000", null, "1008", "sampleRate must be 8000 to 192000");
        assertRefused("", "not an image".getBytes(StandardCharsets.UTF_8), "1003", "portrait");
        assertRefused("?firstClipFrames=65", null, "1008", "firstClipFrames");
        assertRefused("?firstClipFrames=-1", null, "1008", "firstClipFrames");
        // a first clip longer than the others is known only once the session opens, after the portrait
        assertRefused("?clipFrames=4&firstClipFrames=6", portrait, "1008",
                "firstClipFrames 6: the first clip may be shorter than the others (4 frames), not longer");
        // a text other than 'end', and 'end' before the portrait
        Received r = new Received();
        WebSocket ws = open("", r);
        r.ready.get(10, TimeUnit.SECONDS);
        ws.sendText("end", true).get();
        assertTrue(r.closed.get(10, TimeUnit.SECONDS).startsWith("1008"), r.texts.toString());
        assertTrue(r.last("error").contains("before the portrait"), r.texts.toString());

        // odd-length voice, after a good portrait
        r = new Received();
        ws = openStarted("?sampleRate=16000", r);
        ws.sendBinary(ByteBuffer.wrap(new byte[3]), true).get();
        assertTrue(r.closed.get(10, TimeUnit.SECONDS).startsWith("1008"), r.texts.toString());
        assertTrue(r.last("error").contains("16-bit PCM"), r.texts.toString());
        awaitNoLiveSessions();
    }

    @Test
    void aSecondSessionWaitsItsTurnAndAClosedClientFreesTheSlot() throws Exception {
        Received first = new Received();
        WebSocket ws = openStarted("?sampleRate=16000", first);

        Received second = new Received();
        open("", second);
        assertTrue(second.closed.get(10, TimeUnit.SECONDS).startsWith("1013"), second.texts.toString());
        assertTrue(second.last("error").contains("too many live sessions"), second.texts.toString());

        // the client goes away mid-session, without 'end': the session ends and its slot is free
        ws.abort();
        awaitNoLiveSessions();
        Received third = new Received();
        WebSocket again = open("", third);
        third.ready.get(10, TimeUnit.SECONDS);
        again.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        awaitNoLiveSessions();
    }

    @Test
    void aFloodIsGatheredThenRefusedAndTheServerGoesOn() throws Exception {
        Received r = new Received();
        WebSocket ws = openStarted("?sampleRate=16000&steps=1", r);
        // 4,000 messages of one sample each: gathered into 10 ms chunks, taken like any voice
        for (int i = 0; i < 4_000; i++) {
            ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) i, 0}), true).get();
        }
        assertTrue(r.last("error") == null, r.texts.toString());
        // then a minute of voice as fast as the socket takes it: refused once it runs 3 s ahead of the clock
        byte[] second = new byte[32_000];
        try {
            for (int i = 0; i < 60 && !r.closed.isDone(); i++) {
                ws.sendBinary(ByteBuffer.wrap(second), true).get();
            }
        } catch (ExecutionException closedMeanwhile) {
            // the server closed the socket while a send was under way
        }
        String closed = r.closed.get(10, TimeUnit.SECONDS);
        assertTrue(closed.startsWith("1008"), closed + " " + r.texts);
        assertTrue(r.last("error").contains("voice arrives faster than real time"), r.texts.toString());
        awaitNoLiveSessions();
    }

    @Test
    void aTokenGuardsTheSocket() throws Exception {
        try (EmoServer guarded = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withToken("0123456789abcdef0123").withWorkRoot(work))) {
            URI uri = URI.create("ws://127.0.0.1:" + guarded.port() + "/api/live");
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> http.newWebSocketBuilder().buildAsync(uri, new Received()).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof WebSocketHandshakeException h && h.getResponse().statusCode() == 401,
                    String.valueOf(e.getCause()));
            Received r = new Received();
            http.newWebSocketBuilder().buildAsync(URI.create(uri + "?token=0123456789abcdef0123"), r).get(10, TimeUnit.SECONDS);
            r.ready.get(10, TimeUnit.SECONDS);
        }
    }

    private void assertRefused(String query, byte[] portraitBytes, String code, String reason) throws Exception {
        Received r = new Received();
        WebSocket ws = open(query, r);
        if (portraitBytes != null) {
            r.ready.get(10, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(portraitBytes), true).get();
        }
        String closed;
        try {
            closed = r.closed.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not closed; received " + r.texts, e);
        }
        assertTrue(closed.startsWith(code), closed + " " + r.texts);
        String error = r.last("error");
        assertTrue(error != null && error.contains(reason), r.texts.toString());
        assertTrue(!error.contains(work.toString()), "no server path in " + error);
    }

    private void awaitNoLiveSessions() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String health = "";
        while (System.nanoTime() < deadline) {
            health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (health.contains("\"live\":0")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new TimeoutException("live sessions still open: " + health);
    }

    private static List<String> topLevelBoxes(byte[] b) {
        List<String> names = new java.util.ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.remaining() >= 8) {
            int size = buf.getInt(buf.position());
            assertTrue(size >= 8 && size <= buf.remaining(), "box size " + size + " at " + buf.position());
            names.add(new String(b, buf.position() + 4, 4, StandardCharsets.US_ASCII));
            buf.position(buf.position() + size);
        }
        assertEquals(0, buf.remaining(), "the pieces are whole boxes");
        return names;
    }

    /** Video samples over every fragment: each {@code trun}'s count in the video track's {@code traf}. */
    private static long videoSamples(byte[] b) {
        long total = 0;
        for (int at = 0; at + 8 <= b.length; ) {
            int size = ByteBuffer.wrap(b, at, 4).getInt();
            String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("moof")) {
                total += videoSamplesIn(b, at + 8, at + size);
            }
            at += size;
        }
        return total;
    }

    private static long videoSamplesIn(byte[] b, int from, int to) {
        long total = 0;
        for (int at = from; at + 8 <= to; ) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            int size = buf.getInt(at);
            String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("traf")) {
                int trackId = -1;
                long samples = 0;
                for (int in = at + 8; in + 8 <= at + size; ) {
                    int s = buf.getInt(in);
                    String t = new String(b, in + 4, 4, StandardCharsets.US_ASCII);
                    if (t.equals("tfhd")) {
                        trackId = buf.getInt(in + 12);
                    } else if (t.equals("trun")) {
                        samples += Integer.toUnsignedLong(buf.getInt(in + 12));
                    }
                    in += s;
                }
                if (trackId == 1) {
                    total += samples;
                }
            }
            at += size;
        }
        return total;
    }
}
