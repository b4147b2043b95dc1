package io.github.emo4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in real Chromium, used as a person uses it: Chromium's fake devices play the sample portrait
 * as the webcam and the sample voice as the microphone, so the page's snapshot and recording paths run
 * for real. It takes a webcam portrait, records a voice, renders and sees the video play before the
 * render ends, cancels a second render, and shows the refusal of a file that is not a voice. Then it
 * goes live for 10 s, the microphone streaming to the server, and reads the latency the page shows.
 */
class PageBrowserTest {
    private static final Path SAMPLES = Path.of("..", "samples");
    private static final String STATE = "JSON.stringify({portrait: document.getElementById('faces-status').textContent, "
            + "voice: document.getElementById('voice-status').textContent, render: document.getElementById('render-status').textContent, "
            + "state: window.emoState && window.emoState.render})";
    private static final String LIVE = "JSON.stringify({status: document.getElementById('live-status').textContent, "
            + "latency: document.getElementById('live-latency').textContent, started: window.emoState.live && window.emoState.live.started, "
            + "stats: window.emoState.live && window.emoState.live.stats, error: window.emoState.live && window.emoState.live.error, "
            + "time: document.getElementById('live-video').currentTime})";

    @TempDir
    Path dir;

    /**
     * Keeps the page as a person sees it at {@code state}, where {@code -Demo.screenshots=DIR} asks for it
     * (docs/server.md's screenshots are made so).
     */
    private static void shot(DevTools page, String state) throws Exception {
        String to = System.getProperty("emo.screenshots");
        if (to != null) {
            Files.createDirectories(Path.of(to));
            page.screenshot(Path.of(to, "server-" + state + ".png"));
        }
    }

    @Test
    void aPersonRendersCancelsAndIsToldWhatIsWrong() throws Exception {
        assumeTrue(Files.isExecutable(DevTools.CHROMIUM), "Debian's chromium is not installed");
        Path face = dir.resolve("face.y4m");
        TestFiles.y4m(EmoPipeline.readPortrait(SAMPLES.resolve("portrait-astronaut.png")), 640, 480, 10, face);
        AudioClip speech = EmoPipeline.readAudio(SAMPLES.resolve("speech-sample.wav"));
        Path mic = dir.resolve("mic.wav");
        Files.write(mic, TestFiles.wav(speech.resampledTo(48_000), 12));
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "not a voice");
        try (EmoPipeline pipeline = EmoPipeline.builder().build();
             EmoServer server = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(dir));
             DevTools page = new DevTools(server.uri().toString(), dir.resolve("profile"), List.of(
                     "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                     "--use-file-for-fake-audio-capture=" + mic, "--use-file-for-fake-video-capture=" + face,
                     "--autoplay-policy=no-user-gesture-required", "--window-size=900,1400"))) {
            page.waitFor("document.readyState === 'complete' && window.emoState", 30, STATE);
            page.waitFor("window.emoState.poseOffered === false", 10, STATE);
            assertEquals("true", page.eval("document.getElementById('pose-option').hidden"), "this pack follows no pose video");

            // a webcam snapshot as the portrait; the server finds its face
            page.eval("document.getElementById('webcam-start').click()");
            page.waitFor("document.getElementById('webcam').videoWidth > 0", 20, STATE);
            page.eval("document.getElementById('webcam-snap').click()");
            page.waitFor("document.getElementById('faces-status').textContent.includes('1 face(s) found')", 30, STATE);
            assertEquals("true", page.eval("document.getElementById('webcam').hidden"));
            shot(page, "portrait");

            // three seconds recorded from the microphone, as WebM/Opus
            page.eval("document.getElementById('record').click()");
            page.waitFor("document.getElementById('voice-status').textContent === 'recording…'", 10, STATE);
            Thread.sleep(3_000);
            page.eval("document.getElementById('stop-record').click()");
            page.waitFor("window.emoState.audio && window.emoState.audio.size > 1000", 10, STATE);
            assertTrue(page.eval("window.emoState.audio.type").contains("webm"), page.eval(STATE));

            // a render that plays before it ends
            page.run("document.getElementById('steps').value = '2'; document.getElementById('render').click();");
            page.waitFor("window.emoState.render && window.emoState.render.doneAt", 120, STATE);
            page.waitFor("window.emoState.render.firstFrameAt", 30, STATE);
            String render = page.eval(STATE);
            assertEquals("true", page.eval("window.emoState.render.firstFrameAt < window.emoState.render.doneAt"),
                    "the first frame played before the render ended: " + render);
            assertEquals("\"Done.\"", page.eval("document.getElementById('render-status').textContent"));
            page.waitFor("document.getElementById('result').currentTime > 2.5", 30, STATE);
            assertEquals("640", page.eval("document.getElementById('result').videoWidth"));
            shot(page, "playing");

            // a second render, cancelled: the server forgets it
            page.run("document.getElementById('steps').value = '20'; document.getElementById('render').click();");
            page.waitFor("window.emoState.render && window.emoState.render.id && !document.getElementById('cancel').disabled", 30, STATE);
            String id = page.eval("window.emoState.render.id").replace("\"", "");
            page.eval("document.getElementById('cancel').click()");
            page.waitFor("document.getElementById('render-status').textContent === 'Cancelled.'", 30, STATE);
            shot(page, "cancelled");
            HttpResponse<String> gone = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.uri() + "api/renders/" + id)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, gone.statusCode(), gone.body());

            // a text file given as the voice: the page shows the server's reason
            page.chooseFile("#audio-file", notes);
            page.waitFor("document.getElementById('voice-status').textContent === 'notes.txt'", 10, STATE);
            page.eval("document.getElementById('render').click()");
            page.waitFor("document.getElementById('render-status').textContent.startsWith('audio: not a supported audio file')", 30, STATE);
            assertEquals("true", page.eval("document.getElementById('render-status').classList.contains('error')"));
            shot(page, "refusal");

            // live mode: the microphone streams to the server for 10 s, the portrait speaks back, and the
            // page shows the latency the server measured
            page.run("document.getElementById('steps').value = '2'; document.getElementById('live-start').click();");
            page.waitFor("window.emoState.live && window.emoState.live.started", 30, LIVE);
            Thread.sleep(10_000);
            String latency = page.eval("document.getElementById('live-latency').textContent");
            assertTrue(latency.matches("\"Voice to frame: \\d+ ms now, \\d+ ms median, \\d+ ms p99; first frame \\d+ ms;.*"), latency);
            assertEquals("null", page.eval("window.emoState.live.error"), page.eval(LIVE));
            // 250 frames in 10 s; a loaded machine lags (the lag policy then takes fewer steps), so at least half
            assertTrue(Integer.parseInt(page.eval("window.emoState.live.stats.frames")) >= 125, page.eval(LIVE));
            assertEquals("true", page.eval("document.getElementById('live-video').currentTime > 5"), page.eval(LIVE));
            shot(page, "live");
            page.eval("document.getElementById('live-stop').click()");
            page.waitFor("window.emoState.live.ended", 30, LIVE);
            assertEquals("null", page.eval("window.emoState.live.error"), page.eval(LIVE));
            System.out.println("page in chromium: " + render.replace(StandardCharsets.UTF_8.name(), "") + "; live: " + latency);
        }
    }

    /** A server whose pack follows a pose video offers it; a render driven by one plays in the page. */
    @Test
    void aPoseVideoChosenOnThePageDrivesTheRender() throws Exception {
        assumeTrue(Files.isExecutable(DevTools.CHROMIUM), "Debian's chromium is not installed");
        Path pose = dir.resolve("pose.mp4");
        try (io.github.emo4j.video.Mp4Writer w = new io.github.emo4j.video.Mp4Writer(pose, 64, 64, 25, 1, null, 0)) {
            int[] rgb = new int[64 * 64];
            for (int k = 0; k < 40; k++) {
                java.util.Arrays.fill(rgb, (30 + 4 * k) * 0x010101);
                w.accept(rgb);
            }
            w.finish();
        }
        Path voice = dir.resolve("voice.wav");
        Files.write(voice, TestFiles.wav(EmoPipeline.readAudio(SAMPLES.resolve("speech-sample.wav")), 1.2));
        Path packDir = dir.resolve("pose-pack");
        io.github.emo4j.procedural.ProceduralFlowPack.of(64, 8, 5, 2).withPoseInput().source().writeTo(packDir);
        try (EmoPipeline pipeline = EmoPipeline.builder().pack(packDir).build();
             EmoServer server = EmoServer.start(pipeline, ServerOptions.defaults().withAddress("127.0.0.1", 0).withWorkRoot(dir));
             DevTools page = new DevTools(server.uri().toString(), dir.resolve("pose-profile"), List.of("--window-size=900,1400"))) {
            page.waitFor("document.readyState === 'complete' && window.emoState && window.emoState.poseOffered", 30, STATE);
            assertEquals("false", page.eval("document.getElementById('pose-option').hidden"));
            page.chooseFile("#portrait-file", SAMPLES.resolve("portrait-astronaut.png").toAbsolutePath().normalize());
            page.waitFor("document.getElementById('faces-status').textContent.includes('face(s) found')", 30, STATE);
            page.chooseFile("#audio-file", voice);
            page.waitFor("window.emoState.audio", 10, STATE);
            page.chooseFile("#pose-file", pose);
            shot(page, "pose-chosen");
            page.run("document.getElementById('steps').value = '2'; document.getElementById('render').click();");
            page.waitFor("window.emoState.render && (window.emoState.render.doneAt || window.emoState.render.error)", 120, STATE);
            assertEquals("\"Done.\"", page.eval("document.getElementById('render-status').textContent"), page.eval(STATE));
            String id = page.eval("window.emoState.render.id").replace("\"", "");
            String status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    server.uri().resolve("/api/renders/" + id)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(status.contains("\"pose\":true") && status.contains("\"state\":\"done\""), status);
        }
    }
}
