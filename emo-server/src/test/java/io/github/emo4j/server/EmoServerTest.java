package io.github.emo4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.DetectedFace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The HTTP API over real files: the sample portrait, the sample voice cut short, and files that are not what they claim. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmoServerTest {
    private static final Path SAMPLES = Path.of("..", "samples");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmoPipeline pipeline;
    private EmoServer server;
    private byte[] portrait;
    private byte[] voice;
    private byte[] longVoice;
    private Path work;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("emo-server-test");
        pipeline = EmoPipeline.builder().build();
        server = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(work));
        portrait = Files.readAllBytes(SAMPLES.resolve("portrait-astronaut.png"));
        AudioClip speech = EmoPipeline.readAudio(SAMPLES.resolve("speech-sample.wav"));
        voice = TestFiles.wav(speech, 1.2);
        longVoice = TestFiles.wav(speech, 12);
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

    @Test
    void healthPageAndOpenApi() throws Exception {
        HttpResponse<String> health = get("/api/health");
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"ok\"") && health.body().contains("\"pose\":false") && health.body().contains("\"prompt\":false"), health.body());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"app.js\">"));
        assertEquals(200, get("/app.js").statusCode());
        HttpResponse<String> api = get("/api/openapi.json");
        assertEquals(200, api.statusCode());
        assertTrue(api.body().contains("\"/api/renders/{id}/video\""));
        HttpResponse<String> missing = get("/etc/passwd");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().startsWith("{\"error\":"), missing.body());
    }

    @Test
    void facesAnswerAsTheCommandLinePrintsThem() throws Exception {
        HttpResponse<String> r = post("/api/faces", Map.of("portrait", portrait), Map.of());
        assertEquals(200, r.statusCode(), r.body());
        BufferedImage img = EmoPipeline.readPortrait(SAMPLES.resolve("portrait-astronaut.png"));
        assertEquals(DetectedFace.json(img.getWidth(), img.getHeight(), pipeline.faces(img)), r.body());
    }

    @Test
    void renderStreamsWhileRenderingThenServesRanges() throws Exception {
        HttpResponse<String> created = post("/api/renders", Map.of("portrait", portrait, "audio", voice), Map.of("steps", "2"));
        assertEquals(202, created.statusCode(), created.body());
        String id = field(created.body(), "id");
        HttpResponse<String> events = http.send(request("/api/renders/" + id + "/events").header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<byte[]> streamed = http.send(request("/api/renders/" + id + "/video").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, streamed.statusCode());
        // the events from when the client joined: the status first, then (the render being short) perhaps only the end
        assertTrue(events.body().startsWith("event: status"), events.body());
        assertTrue(events.body().contains("event: done"), events.body());
        HttpResponse<String> status = get("/api/renders/" + id);
        assertEquals("\"done\"", field(status.body(), "state"), status.body());
        assertEquals("30", field(status.body(), "frames"), "1.2 s at 25 fps: " + status.body());
        HttpResponse<byte[]> whole = http.send(request("/api/renders/" + id + "/video").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(whole.body(), streamed.body(), "the stream read while rendering is the finished file");
        assertEquals("ftyp", new String(whole.body(), 4, 4, StandardCharsets.ISO_8859_1));
        HttpResponse<byte[]> part = http.send(request("/api/renders/" + id + "/video").header("Range", "bytes=100-199").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + whole.body().length, part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(whole.body(), 100, 200), part.body());
        HttpResponse<String> outside = http.send(request("/api/renders/" + id + "/video")
                .header("Range", "bytes=" + whole.body().length + "-").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(416, outside.statusCode());
        assertTrue(outside.body().contains("outside"), outside.body());
        assertEquals(204, http.send(request("/api/renders/" + id).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, get("/api/renders/" + id).statusCode());
    }

    @Test
    void badUploadsAreRefusedWithTheirReasonAndLeaveNothing() throws Exception {
        HttpResponse<String> text = post("/api/renders", Map.of("portrait", portrait,
                "audio", "this is not a voice".getBytes(StandardCharsets.UTF_8)), Map.of());
        assertEquals(415, text.statusCode(), text.body());
        assertTrue(text.body().startsWith("{\"error\":\"audio: not a supported audio file"), text.body());
        assertFalse(text.body().contains(work.toString()), "no server path in the reason: " + text.body());
        HttpResponse<String> image = post("/api/renders", Map.of("portrait", voice, "audio", voice), Map.of());
        assertTrue(image.statusCode() == 415 || image.statusCode() == 400, image.body());
        assertTrue(image.body().contains("portrait"), image.body());
        HttpResponse<String> steps = post("/api/renders", Map.of("portrait", portrait, "audio", voice), Map.of("steps", "9999"));
        assertEquals(400, steps.statusCode());
        assertTrue(steps.body().contains("steps must be 0 to 100"), steps.body());
        HttpResponse<String> missing = post("/api/renders", Map.of("portrait", portrait), Map.of());
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("audio: missing"), missing.body());
        HttpResponse<String> notMultipart = http.send(request("/api/renders").POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, notMultipart.statusCode(), notMultipart.body());
        try (var left = Files.list(server.work())) {
            var names = left.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(0, names.stream().filter(n -> n.matches("[0-9a-f]{24}")).count(), "no render folder is left: " + names);
        }
    }

    @Test
    void brokenBodiesBombsAndFacelessPortraitsAreRefusedByName() throws Exception {
        // a multipart body cut short: the client declares more than it sends and stops
        String cut = rawPost("--b\r\nContent-Disposition: form-data; name=\"portrait\"; filename=\"x.png\"\r\n\r\n"
                + "\u0089PNG", 200_000);
        assertTrue(cut.startsWith("HTTP/1.1 400"), cut);
        assertTrue(cut.contains("malformed request body"), cut);
        // a multipart body of the declared length without its closing boundary
        String body = "--b\r\nContent-Disposition: form-data; name=\"portrait\"; filename=\"x.png\"\r\n\r\nabc";
        String open = rawPost(body, body.length());
        assertTrue(open.startsWith("HTTP/1.1 400"), open);
        // a 35 KB PNG that claims 60000 × 60000 pixels: refused from its header, before decoding
        HttpResponse<String> bomb = post("/api/renders", Map.of("portrait", pngClaiming(60_000, 60_000), "audio", voice), Map.of());
        assertEquals(413, bomb.statusCode(), bomb.body());
        assertTrue(bomb.body().contains("portrait: image is 60000x60000"), bomb.body());
        // a portrait with no face: refused when the render is asked for, not after it was queued
        BufferedImage sky = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                sky.setRGB(x, y, (80 + y / 3) << 16 | (120 + y / 4) << 8 | 200);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(sky, "png", png);
        HttpResponse<String> faceless = post("/api/renders", Map.of("portrait", png.toByteArray(), "audio", voice), Map.of());
        assertEquals(422, faceless.statusCode(), faceless.body());
        assertTrue(faceless.body().contains("portrait: no face found"), faceless.body());
        try (var left = Files.list(server.work())) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().matches("[0-9a-f]{24}")).count(), "no render folder is left");
        }
        assertEquals(200, get("/api/health").statusCode(), "the server goes on serving");
    }

    /** Sends a multipart POST whose Content-Length is {@code declared}, closes the sending side, and returns the reply. */
    private String rawPost(String body, int declared) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/renders HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A valid PNG header and chunk that claim {@code w} × {@code h} RGB pixels, with a little compressed data. */
    private static byte[] pngClaiming(int w, int h) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(b, "IHDR", ihdr.array());
        java.util.zip.Deflater d = new java.util.zip.Deflater(9);
        d.setInput(new byte[3 * w + 1]);
        d.finish();
        byte[] z = new byte[1 << 16];
        chunk(b, "IDAT", Arrays.copyOf(z, d.deflate(z)));
        chunk(b, "IEND", new byte[0]);
        return b.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream b, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        b.write(ByteBuffer.allocate(4).putInt(data.length).array());
        b.write(type.getBytes(StandardCharsets.US_ASCII));
        b.write(data);
        b.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void aHugeDeclaredBodyIsRefusedBeforeItIsRead() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/renders HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: 10737418240\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String reply = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 413", reply);
        }
        assertEquals(200, get("/api/health").statusCode(), "the server goes on serving");
    }

    @Test
    void deletingARunningRenderCancelsItAndRemovesItsFiles() throws Exception {
        HttpResponse<String> created = post("/api/renders", Map.of("portrait", portrait, "audio", longVoice), Map.of());
        assertEquals(202, created.statusCode(), created.body());
        String id = field(created.body(), "id");
        assertEquals(204, http.send(request("/api/renders/" + id).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, get("/api/renders/" + id).statusCode());
        assertFalse(Files.exists(server.work().resolve(id)));
    }

    @Test
    void aVoiceOverTheLimitIsRefusedOnceThatMuchIsDecoded() throws Exception {
        try (EmoServer limited = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withUploadLimits(32L << 20, 5, 16_000_000L).withWorkRoot(work))) {
            TestFiles.Multipart m = TestFiles.multipart(Map.of("portrait", portrait, "audio", longVoice), Map.of());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(limited.uri().resolve("/api/renders"))
                    .header("Content-Type", m.type()).POST(HttpRequest.BodyPublishers.ofByteArray(m.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("{\"error\":\"audio: over the limit: the voice is longer than 5 s"), r.body());
        }
    }

    /** A prompt for a pack without a text encoder is refused with 400 at once, as is one over the length a request takes. */
    @Test
    void aPromptIsRefusedByNameWhenThePackTakesNone() throws Exception {
        HttpResponse<String> r = post("/api/renders", Map.of("portrait", portrait, "audio", voice), Map.of("prompt", "a person talking"));
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("{\"error\":\"prompt: this server's pack has no text encoder, so it takes no prompt\"}", r.body());
        HttpResponse<String> longOne = post("/api/renders", Map.of("portrait", portrait, "audio", voice),
                Map.of("negative_prompt", "x".repeat(10_001)));
        assertEquals(413, longOne.statusCode(), longOne.body());
        assertTrue(longOne.body().startsWith("{\"error\":\"negative_prompt: 10001 characters; at most 10000"), longOne.body());
    }

    /** A pose video drives a pack that takes one; any other pack, or a file that is not one, is refused with 400. */
    @Test
    void aPoseVideoIsTakenByAPackThatTakesOneAndRefusedByName() throws Exception {
        Path poseFile = work.resolve("pose-upload.mp4");
        try (io.github.emo4j.video.Mp4Writer w = new io.github.emo4j.video.Mp4Writer(poseFile, 64, 64, 25, 1, null, 0)) {
            int[] rgb = new int[64 * 64];
            for (int k = 0; k < 30; k++) {
                Arrays.fill(rgb, (40 + 5 * k) * 0x010101);
                w.accept(rgb);
            }
            w.finish();
        }
        byte[] pose = Files.readAllBytes(poseFile);
        Files.delete(poseFile);
        HttpResponse<String> unet = post("/api/renders", Map.of("portrait", portrait, "audio", voice, "pose", pose), Map.of());
        assertEquals(400, unet.statusCode(), unet.body());
        assertTrue(unet.body().startsWith("{\"error\":\"pose: this server's pack takes no pose video"), unet.body());

        Path packDir = Files.createTempDirectory("emo-pose-pack");
        io.github.emo4j.procedural.ProceduralFlowPack.of(64, 8, 5, 2).withPoseInput().source().writeTo(packDir);
        try (EmoPipeline flow = EmoPipeline.builder().pack(packDir).build();
             EmoServer posed = EmoServer.start(flow, ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(work))) {
            assertTrue(flow.packInfo().takesPose());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(posed.uri().resolve("/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(health.body().contains("\"pose\":true"), health.body());
            HttpResponse<String> bad = send(posed, Map.of("portrait", portrait, "audio", voice,
                    "pose", "not a video".getBytes(StandardCharsets.UTF_8)));
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().startsWith("{\"error\":\"pose: ") && !bad.body().contains(work.toString()), bad.body());
            HttpResponse<String> created = send(posed, Map.of("portrait", portrait, "audio", voice, "pose", pose));
            assertEquals(202, created.statusCode(), created.body());
            String id = field(created.body(), "id");
            http.send(HttpRequest.newBuilder(posed.uri().resolve("/api/renders/" + id + "/video")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(posed.uri().resolve("/api/renders/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("\"done\"", field(status.body(), "state"), status.body());
            assertTrue(status.body().contains("\"pose\":true"), status.body());
            assertEquals(204, http.send(HttpRequest.newBuilder(posed.uri().resolve("/api/renders/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            try (var files = Files.list(packDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(packDir);
        }
    }

    private HttpResponse<String> send(EmoServer to, Map<String, byte[]> files) throws Exception {
        TestFiles.Multipart m = TestFiles.multipart(files, Map.of("steps", "2"));
        return http.send(HttpRequest.newBuilder(to.uri().resolve("/api/renders")).header("Content-Type", m.type())
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.body())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenGuardsEveryRouteAndAFullQueueAnswers429() throws Exception {
        String token = "0123456789abcdef-secret";
        ServerOptions opts = ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(work).withToken(token)
                .withRenderLimits(1, 0, 4, Duration.ofMinutes(5));
        try (EmoServer guarded = EmoServer.start(pipeline, opts)) {
            URI base = guarded.uri();
            // requests with the token on a client of their own: the JDK's drops a caller's Authorization
            // header on a connection that was answered 401
            HttpClient authed = HttpClient.newHttpClient();
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(base.resolve("/api/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(base.resolve("/api/health"))
                    .header("Authorization", "Bearer 0123456789abcdef-secreT").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = authed.send(HttpRequest.newBuilder(base.resolve("/api/health"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, right.statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("/api/health?token=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            TestFiles.Multipart first = TestFiles.multipart(Map.of("portrait", portrait, "audio", longVoice), Map.of());
            HttpResponse<String> running = authed.send(HttpRequest.newBuilder(base.resolve("/api/renders"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", first.type())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(first.body())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, running.statusCode(), running.body());
            HttpResponse<String> busy = authed.send(HttpRequest.newBuilder(base.resolve("/api/renders"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", first.type())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(first.body())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, busy.statusCode(), busy.body());
            assertTrue(busy.headers().firstValue("Retry-After").isPresent());
        }
        assertThrows(IllegalArgumentException.class,
                () -> EmoServer.start(pipeline, ServerOptions.defaults().withAddress("0.0.0.0", 0).withWorkRoot(work)));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(120));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, byte[]> files, Map<String, String> fields) throws Exception {
        TestFiles.Multipart m = TestFiles.multipart(files, fields);
        return http.send(request(path).header("Content-Type", m.type()).POST(HttpRequest.BodyPublishers.ofByteArray(m.body())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        String v = m.group(1);
        return name.equals("id") ? v.replace("\"", "") : v;
    }
}
