package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.emo4j.testkit.ProcessTrees;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live stream as a browser gets it: `emo live` writes the fragmented MP4 of a two-second voice (a first
 * clip of one frame, then clips of four, so the first fragment is a single frame), and
 * headless Chromium (Debian's, which CI installs) plays it through Media Source Extensions, appending the
 * bytes as they arrive from a streamed fetch, not as a file it downloads first.
 */
class LiveStreamBrowserTest {
    @TempDir
    Path dir;

    /**
     * Appends the streamed bytes to a SourceBuffer as they arrive, plays, and posts what it sees to
     * /report: playback runs on the real clock, which headless Chromium's virtual time does not advance.
     */
    static final String PAGE = String.join("\n",
            "<!doctype html><html><body><video id='v'></video>",
            "<script>",
            "const v = document.getElementById('v');",
            "const type = 'video/mp4; codecs=\"CODECS\"';",
            "let appended = 0, sent = false;",
            "function report(tag) { const b = v.buffered; fetch('/report', {method: 'POST', body: JSON.stringify({tag: tag,",
            "  supported: MediaSource.isTypeSupported(type), appended: appended,",
            "  end: b.length ? b.end(b.length - 1) : -1, ranges: b.length, error: v.error && v.error.code,",
            "  video: v.webkitVideoDecodedByteCount, audio: v.webkitAudioDecodedByteCount, width: v.videoWidth,",
            "  time: v.currentTime})}); }",
            "const ms = new MediaSource();",
            "v.src = URL.createObjectURL(ms);",
            "ms.addEventListener('sourceopen', async () => {",
            "  try {",
            "    const sb = ms.addSourceBuffer(type);",
            "    const reader = (await fetch('live.mp4')).body.getReader();",
            "    for (;;) {",
            "      const {done, value} = await reader.read();",
            "      if (done) break;",
            "      await new Promise((ok, fail) => { sb.addEventListener('updateend', ok, {once: true});",
            "        sb.addEventListener('error', fail, {once: true}); sb.appendBuffer(value); });",
            "      appended += value.length;",
            "    }",
            "    ms.endOfStream();",
            "    v.play().catch(e => report('play failed: ' + e));",
            "  } catch (e) { report('failed: ' + e); }",
            "});",
            "v.addEventListener('error', () => report('error'));",
            "v.addEventListener('timeupdate', () => { if (v.currentTime > 1 && !sent) { sent = true; report('played'); } });",
            "</script></body></html>");

    @Test
    void chromiumPlaysTheLiveStreamThroughMediaSourceExtensions() throws Exception {
        assumeTrue(Files.isExecutable(BrowserPlaybackTest.CHROMIUM), "Debian's chromium is not installed");
        Path voice = dir.resolve("voice.wav");
        EmoCliTest.writeWav(voice, Arrays.copyOf(io.github.emo4j.EmoPipeline.readAudio(Path.of(EmoCliTest.SPEECH)).samples(),
                32000), 16000);
        Path stream = dir.resolve("live.mp4");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EmoCli.run(new String[] {"live", "--portrait", EmoCliTest.PORTRAIT, "--audio", voice.toString(),
            "--out", stream.toString(), "--clip-frames", "4", "--first-clip-frames", "1", "--steps", "2", "--as-fast-as-possible"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), null);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        byte[] body = Files.readAllBytes(stream);
        String page = PAGE.replace("CODECS", codecs(body));
        java.util.concurrent.BlockingQueue<String> reports = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/report")) {
                reports.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                ex.sendResponseHeaders(204, -1);
            } else if (path.endsWith("live.mp4")) {
                // the stream arrives in pieces, as a live one does: chunked, 16 KB at a time
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.sendResponseHeaders(200, 0);
                for (int at = 0; at < body.length; at += 16_384) {
                    ex.getResponseBody().write(body, at, Math.min(16_384, body.length - at));
                    ex.getResponseBody().flush();
                }
            } else {
                byte[] html = page.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, html.length);
                ex.getResponseBody().write(html);
            }
            ex.close();
        });
        server.start();
        String report;
        Process p = null;
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/index.html";
            p = new ProcessBuilder(BrowserPlaybackTest.CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile"),
                    "--autoplay-policy=no-user-gesture-required", url)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            report = reports.poll(90, TimeUnit.SECONDS);
        } finally {
            if (p != null) {
                ProcessTrees.kill(p);
            }
            server.stop(0);
        }
        assertNotNull(report, "chromium reported nothing in 90 s");
        System.out.println("chromium (MSE): " + report);
        assertTrue(report.contains("\"tag\":\"played\""), report);
        assertTrue(report.contains("\"supported\":true"), report);
        assertEquals(body.length, Long.parseLong(field(report, "appended")), report);
        assertEquals("1", field(report, "ranges"), "one buffered range, no gap: " + report);
        assertEquals(2.0, Double.parseDouble(field(report, "end")), 0.05, report);
        assertTrue(Long.parseLong(field(report, "video")) > 0 && Long.parseLong(field(report, "audio")) > 0, report);
        assertTrue(Double.parseDouble(field(report, "time")) > 0, "playback advanced: " + report);
        assertEquals("512", field(report, "width"));
    }

    /** The RFC 6381 codecs of the stream: avc1 with its profile and level from the avcC box, and AAC-LC. */
    static String codecs(byte[] stream) {
        String s = new String(stream, StandardCharsets.ISO_8859_1);
        int at = s.indexOf("avcC");
        assertTrue(at > 0, "no avcC box");
        return String.format("avc1.%02X%02X%02X, mp4a.40.2", stream[at + 5], stream[at + 6], stream[at + 7]);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":([^,}]*)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return m.group(1).trim();
    }
}
