package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.testkit.SyntheticPack;
import io.github.emo4j.video.MemorySink;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the public API: a live session fed a voice in 20 ms chunks makes exactly the frames a render of
 * the whole voice makes at the same clip length and seed, when the pack's audio encoder hears each chunk
 * alone (the plain waveform). The session drives the same stages as the render.
 */
class LiveExactnessTest {
    @TempDir
    Path dir;

    @Test
    void aLiveSessionMakesTheRendersFrames() throws Exception {
        Path pack = dir.resolve("pack");
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).source(Map.of("audio_input", "waveform-16k")).writeTo(pack);
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x + y) & 0xFF));
            }
        }
        float[] v = new float[(int) (1.7 * 16000)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.3 * Math.sin(i * 0.05) * (1 + Math.sin(i * 0.0009)));
        }
        FaceBox face = new FaceBox(24, 24, 48, 48);
        try (EmoPipeline p = EmoPipeline.builder().pack(pack).threads(1).build()) {
            MemorySink batch = new MemorySink();
            p.render(RenderRequest.builder(img, new AudioClip(v, 16000)).face(face).steps(2).seed(5).clipFrames(4).build(),
                    (w, h, fps) -> batch);
            List<LiveFrame> live = new CopyOnWriteArrayList<>();
            CountDownLatch over = new CountDownLatch(1);
            AtomicReference<EmoException> error = new AtomicReference<>();
            LiveSession.Listener l = new LiveSession.Listener() {
                @Override
                public void onFrame(LiveFrame f) {
                    live.add(f);
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
            };
            try (LiveSession s = p.live(RenderRequest.live(img).face(face).steps(2).seed(5).clipFrames(4).build(),
                    LiveOptions.DEFAULT.withRealTime(false), l)) {
                for (int i = 0; i < v.length; i += 320) {
                    s.feed(Arrays.copyOfRange(v, i, Math.min(v.length, i + 320)), 16000);
                }
                s.end();
                assertTrue(over.await(60, TimeUnit.SECONDS));
            }
            assertNull(error.get());
            assertEquals(43, batch.frames().size(), "round(1.7 s × 25 fps)");
            assertEquals(batch.frames().size(), live.size());
            for (int k = 0; k < live.size(); k++) {
                assertArrayEquals(batch.frames().get(k), live.get(k).rgb(), "frame " + k);
            }
        }
    }
}
