package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.PackException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.procedural.ProceduralFlowPack;
import io.github.emo4j.video.MemorySink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack that asks for Wan2.2-S2V's audio alignment ({@code "audio_alignment": "wan-s2v"}) gets it in a
 * render, and a long live session on it lets go of the rows behind it without reading a row it let go.
 */
class WanAlignmentTest {
    @TempDir
    Path dir;

    /** The built-in flow pack as Wan2.2-S2V aligns audio: no neighbours, 16 fps, and the alignment named. */
    private Path pack(String alignment) throws Exception {
        Path p = dir.resolve(alignment);
        // as Wan2.2-S2V: m = 0 at 16 fps
        ProceduralFlowPack.of(48, 8, 5, 0).source().writeTo(p);
        String m = Files.readString(p.resolve("manifest.json"));
        assertTrue(m.contains("\"audio_window\": 0,") && m.contains("\"fps\": 25,"));
        Files.writeString(p.resolve("manifest.json"), m.replace("\"fps\": 25,", "\"fps\": 16,").replace("\"audio_window\": 0,",
                "\"audio_window\": 0, \"audio_alignment\": \"" + alignment + "\","));
        return p;
    }

    @Test
    void theSettingReachesTheRenderAndALongSessionForgetsSafely() throws Exception {
        AudioClip voice = OracleTest.voice();
        MemorySink centres = new MemorySink(), wan = new MemorySink();
        RenderRequest.Builder req = RenderRequest.builder(OracleTest.portrait(), voice).face(OracleTest.FACE)
                .steps(1).seed(2);
        try (EmoPipeline p = EmoPipeline.builder().pack(pack("frame-centres")).build()) {
            p.render(req.build(), (w, h, fps) -> centres);
        }
        try (EmoPipeline p = EmoPipeline.builder().pack(pack("wan-s2v")).build()) {
            p.render(req.build(), (w, h, fps) -> wan);
            assertEquals(centres.frames().size(), wan.frames().size());
            boolean differ = false;
            for (int k = 0; k < wan.frames().size(); k++) {
                differ |= !java.util.Arrays.equals(centres.frames().get(k), wan.frames().get(k));
            }
            assertTrue(differ, "the lips follow another alignment of the same voice");

            // 20 s of voice in 20 ms chunks: the session lets go of rows as it goes
            float[] samples = new float[20 * 16000];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = voice.samples()[i % voice.samples().length];
            }
            AtomicLong frames = new AtomicLong();
            AtomicReference<EmoException> error = new AtomicReference<>();
            CountDownLatch over = new CountDownLatch(1);
            try (LiveSession s = p.live(RenderRequest.live(OracleTest.portrait()).face(OracleTest.FACE).steps(1).build(),
                    LiveOptions.DEFAULT.withRealTime(false).withMaxBufferSeconds(30), new LiveSession.Listener() {
                        @Override
                        public void onFrame(LiveFrame f) {
                            frames.incrementAndGet();
                        }

                        @Override
                        public void onEnd(LiveStats stats) {
                            over.countDown();
                        }

                        @Override
                        public void onError(EmoException e) {
                            error.set(e);
                            over.countDown();
                        }
                    })) {
                for (int i = 0; i < samples.length; i += 320) {
                    s.feed(java.util.Arrays.copyOfRange(samples, i, i + 320), 16000);
                }
                s.end();
                assertTrue(over.await(120, TimeUnit.SECONDS));
            }
            assertNull(error.get());
            assertEquals(320, frames.get(), "20 s at 16 fps");
        }
    }

    @Test
    void anUnknownAlignmentIsNamed() throws Exception {
        var e = assertThrows(PackException.class, () -> EmoPipeline.builder().pack(pack("wan")).build());
        assertTrue(e.getMessage().contains("settings.audio_alignment must be \"frame-centres\" or \"wan-s2v\", not \"wan\""),
                e.getMessage());
    }
}
