package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.testkit.ProcessTrees;
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
 * The MP4 as a viewer gets it: served on loopback to headless Chromium (Debian's, which CI installs),
 * which must load it, report the right duration, start playing and decode both audio and video.
 */
class BrowserPlaybackTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");


    @TempDir
    Path dir;

    static final String PAGE = String.join("\n",
            "<!doctype html><html><body><video id='v' src='v.mp4' preload='auto'></video><pre id='out'>pending</pre>",
            "<script>",
            "const v = document.getElementById('v'), out = document.getElementById('out');",
            "function report(tag) { out.textContent = JSON.stringify({tag: tag, duration: v.duration,",
            "  error: v.error && v.error.code, audio: v.webkitAudioDecodedByteCount,",
            "  video: v.webkitVideoDecodedByteCount, width: v.videoWidth}); }",
            "v.addEventListener('error', () => report('error'));",
            "v.addEventListener('loadedmetadata', () => { report('meta');",
            "  v.play().then(() => report('playing')).catch(e => report('play failed: ' + e)); });",
            "</script></body></html>");

    @Test
    void chromiumPlaysTheVideoWithSound() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed");
        AudioClip speech = EmoPipeline.readAudio(Path.of(EmoCliTest.SPEECH));
        AudioClip twoSeconds = new AudioClip(Arrays.copyOf(speech.samples(), 32000), speech.sampleRate());
        Path video = dir.resolve("v.mp4");
        try (EmoPipeline emo = EmoPipeline.builder().build()) {
            emo.render(RenderRequest.builder(EmoPipeline.readPortrait(Path.of(EmoCliTest.PORTRAIT)), twoSeconds).steps(1).build(), video);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = p.endsWith("v.mp4") ? Files.readAllBytes(video) : PAGE.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", p.endsWith("v.mp4") ? "video/mp4" : "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        String dom;
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/index.html";
            Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--autoplay-policy=no-user-gesture-required",
                    "--virtual-time-budget=8000", "--dump-dom", url)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            boolean finished = p.waitFor(90, TimeUnit.SECONDS);
            ProcessTrees.kill(p);
            if (!finished) {
                fail("chromium did not finish");
            }
            dom = new String(out, StandardCharsets.UTF_8);
        } finally {
            server.stop(0);
        }
        Matcher m = Pattern.compile("<pre id=\"out\">(.*?)</pre>").matcher(dom);
        assertTrue(m.find(), dom);
        String report = m.group(1).replace("&quot;", "\"");
        System.out.println("chromium: " + report);
        assertTrue(report.contains("\"tag\":\"playing\""), report);
        double duration = Double.parseDouble(field(report, "duration"));
        assertEquals(2.0, duration, 1.0 / 25 + 1024 / 48000.0, report);
        assertTrue(Long.parseLong(field(report, "audio")) > 0, "no audio decoded: " + report);
        assertTrue(Long.parseLong(field(report, "video")) > 0, "no video decoded: " + report);
        assertEquals("512", field(report, "width"));
        if (Files.isExecutable(Path.of("/usr/bin/ffprobe"))) {
            Process probe = new ProcessBuilder("/usr/bin/ffprobe", "-v", "error", "-select_streams", "a:0",
                    "-show_entries", "stream=codec_name", "-of", "default=nw=1:nk=1", video.toString())
                    .redirectErrorStream(true).start();
            String codec = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            probe.waitFor(30, TimeUnit.SECONDS);
            assertEquals("aac", codec, "ffprobe's audio codec");
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":([^,}]*)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return m.group(1).trim();
    }
}
