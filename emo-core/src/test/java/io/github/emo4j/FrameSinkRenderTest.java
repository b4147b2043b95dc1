package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.FrameSink;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Frames to a sink the caller chooses: all of them, in order, finished once; a failing sink fails the render. */
class FrameSinkRenderTest {
    static EmoPipeline pipeline;
    static BufferedImage portrait;

    @BeforeAll
    static void load() {
        pipeline = EmoPipeline.builder().build();
        portrait = EmoPipeline.readPortrait(EndToEndTest.PORTRAIT);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static RenderRequest request() {
        float[] s = new float[9600];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.4 * Math.sin(i * 0.07) * Math.max(0, Math.sin(i / 16000.0 * 2 * Math.PI * 3)));
        }
        return RenderRequest.builder(portrait, new AudioClip(s, 16000)).steps(2).build();
    }

    /** Keeps what it is told, and fails on frame {@code failAt} (from 0) when that is not negative. */
    static final class Recorder implements FrameSink {
        final List<String> calls = new ArrayList<>();
        final int failAt;
        int frames;

        Recorder(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void accept(int[] rgb) throws IOException {
            if (frames == failAt) {
                throw new IOException("disk full");
            }
            assertEquals(portrait.getWidth() * portrait.getHeight(), rgb.length);
            frames++;
        }

        @Override
        public void finish() {
            calls.add("finish");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void everyFrameReachesTheSinkWhichIsFinishedThenClosed() {
        Recorder sink = new Recorder(-1);
        int[] opened = new int[3];
        RenderStats stats = pipeline.render(request(), (w, h, fps) -> {
            opened[0] = w;
            opened[1] = h;
            opened[2] = fps;
            return sink;
        });
        assertArrayEquals(new int[] {portrait.getWidth(), portrait.getHeight(), 25}, opened);
        assertEquals(15, sink.frames, "0.6 s at 25 fps");
        assertEquals(List.of("finish", "close"), sink.calls);
        assertTrue(stats.unetRuns() > 0);
    }

    @Test
    void aSinkThatFailsFailsTheRenderAndIsClosedUnfinished() {
        Recorder sink = new Recorder(3);
        EmoException e = assertThrows(EmoException.class, () -> pipeline.render(request(), (w, h, fps) -> sink));
        assertTrue(e.getMessage().contains("frame sink") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(List.of("close"), sink.calls);
    }
}
