package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.face.FaceBox;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A live session on the built-in pack: frames in order with their times and voice, bad input, pauses, lag, close. */
class LiveSessionTest {
    static EmoPipeline pipeline;
    static BufferedImage portrait;
    static FaceBox face;

    @BeforeAll
    static void load() {
        pipeline = EmoPipeline.builder().build();
        portrait = EmoPipeline.readPortrait(EndToEndTest.PORTRAIT);
        face = pipeline.locateFace(portrait, null);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    static float[] voice(double seconds) {
        float[] s = new float[(int) Math.round(seconds * 16000)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.4 * Math.sin(i * 0.07) * Math.max(0, Math.sin(i / 16000.0 * 2 * Math.PI * 3)));
        }
        return s;
    }

    static RenderRequest request() {
        return RenderRequest.live(portrait).face(face).clipFrames(4).steps(2).build();
    }

    /** Collects frames and waits for the end. */
    static class Collector implements LiveSession.Listener {
        final List<LiveFrame> frames = new CopyOnWriteArrayList<>();
        final CountDownLatch over = new CountDownLatch(1);
        final CountDownLatch first = new CountDownLatch(1);
        final AtomicReference<LiveStats> end = new AtomicReference<>();
        final AtomicReference<EmoException> error = new AtomicReference<>();

        @Override
        public void onFrame(LiveFrame frame) {
            frames.add(frame);
            first.countDown();
        }

        @Override
        public void onEnd(LiveStats stats) {
            end.set(stats);
            over.countDown();
        }

        @Override
        public void onError(EmoException e) {
            error.set(e);
            over.countDown();
        }

        void await() throws InterruptedException {
            assertTrue(over.await(120, TimeUnit.SECONDS), "the session did not end");
        }
    }

    /** A collector that takes {@code millis} over each of the first {@code slowFrames} frames. */
    static Collector slow(long millis, long slowFrames) {
        return new Collector() {
            @Override
            public void onFrame(LiveFrame frame) {
                super.onFrame(frame);
                if (frame.index() < slowFrames) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    static void feedInChunks(LiveSession s, float[] v, int chunk) {
        for (int i = 0; i < v.length; i += chunk) {
            s.feed(java.util.Arrays.copyOfRange(v, i, Math.min(v.length, i + chunk)), 16000);
        }
    }

    /**
     * Feeds until the session ends by itself: a session the lag policy stops may end between the check
     * and the feed, and a feed after its end is refused, as it must be.
     */
    static void feedUntilOver(LiveSession s, float[] v, int chunk) {
        for (int i = 0; i < v.length && !s.isOver(); i += chunk) {
            try {
                s.feed(java.util.Arrays.copyOfRange(v, i, Math.min(v.length, i + chunk)), 16000);
            } catch (IllegalStateException e) {
                assertTrue(s.isOver(), "a feed refused while the session runs: " + e.getMessage());
                assertEquals("this live session is over", e.getMessage());
                return;
            }
        }
    }

    @Test
    void framesComeOutNumberedTimedAndWithTheirVoice() throws Exception {
        float[] v = voice(1.0);
        Collector c = new Collector();
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withRealTime(false), c)) {
            feedInChunks(s, v, 320);
            s.end();
            c.await();
            assertNull(c.error.get());
            assertTrue(s.isOver());
        }
        assertEquals(25, c.frames.size(), "1 s at 25 fps");
        for (int k = 0; k < 25; k++) {
            LiveFrame f = c.frames.get(k);
            assertEquals(k, f.index());
            assertEquals(k * 40_000L, f.ptsMicros());
            assertEquals(portrait.getWidth() * portrait.getHeight(), f.rgb().length);
            assertArrayEquals(java.util.Arrays.copyOfRange(v, k * 640, (k + 1) * 640), f.audio(), "frame " + k + "'s voice");
            assertTrue(f.latencyNanos() >= 0);
        }
        LiveStats st = c.end.get();
        assertEquals(25, st.frames());
        assertTrue(st.firstFrameNanos() > 0 && st.latencyP50Nanos() > 0 && st.latencyP99Nanos() >= st.latencyP50Nanos());
    }

    /** The frames a render of voice {@code v} makes on {@code p} with the request's {@code options}. */
    static List<int[]> rendered(EmoPipeline p, float[] v, java.util.function.UnaryOperator<RenderRequest.Builder> options) {
        io.github.emo4j.video.MemorySink batch = new io.github.emo4j.video.MemorySink();
        p.render(options.apply(RenderRequest.builder(portrait, new io.github.emo4j.audio.AudioClip(v, 16000)).face(face)).build(),
                (w, h, fps) -> batch);
        return batch.frames();
    }

    /** Opens a session on {@code p} with the same {@code options}, fed as fast as it takes the voice. */
    static LiveSession open(EmoPipeline p, java.util.function.UnaryOperator<RenderRequest.Builder> options, Collector c) {
        return p.live(options.apply(RenderRequest.live(portrait).face(face)).build(), LiveOptions.DEFAULT.withRealTime(false), c);
    }

    static void assertSameFrames(List<int[]> batch, Collector c, int frames) {
        assertNull(c.error.get());
        assertEquals(frames, batch.size());
        assertEquals(frames, c.frames.size());
        for (int k = 0; k < frames; k++) {
            assertArrayEquals(batch.get(k), c.frames.get(k).rgb(), "frame " + k);
        }
    }

    @Test
    void onTheBuiltInPackASessionMakesTheRendersFramesExactly() throws Exception {
        float[] v = voice(1.3);
        java.util.function.UnaryOperator<RenderRequest.Builder> options = b -> b.clipFrames(4).steps(2).seed(9);
        Collector c = new Collector();
        try (LiveSession s = open(pipeline, options, c)) {
            feedInChunks(s, v, 320);
            s.end();
            c.await();
        }
        assertSameFrames(rendered(pipeline, v, options), c, 33);
    }

    @Test
    void aShorterFirstClipComesOnLessVoiceAndTheSessionStillMakesTheRendersFrames() throws Exception {
        float[] v = voice(1.3);
        java.util.function.UnaryOperator<RenderRequest.Builder> options = b -> b.clipFrames(4).firstClipFrames(1).steps(2).seed(9);
        Collector c = new Collector();
        try (LiveSession s = open(pipeline, options, c)) {
            // the first clip's one frame, its audio window of 2 and one frame more: 4 frames of voice
            feedInChunks(s, java.util.Arrays.copyOf(v, 4 * 640), 320);
            assertTrue(c.first.await(60, TimeUnit.SECONDS), "no frame after the first clip's voice");
            assertEquals(1, c.frames.size(), "only the first clip's frame is made on 4 frames of voice");
            feedInChunks(s, java.util.Arrays.copyOfRange(v, 4 * 640, v.length), 320);
            s.end();
            c.await();
        }
        assertSameFrames(rendered(pipeline, v, options), c, 33);
        assertEquals(1 + 8, c.end.get().render().unetRuns() / 2, "a 1-frame clip, then 8 clips of 4, at 2 steps each");
    }

    @Test
    void onTheBuiltInFlowPackASessionMakesTheRendersFramesExactly() throws Exception {
        float[] v = voice(1.3);
        java.util.function.UnaryOperator<RenderRequest.Builder> options = b -> b.clipFrames(8).steps(2).seed(9);
        try (EmoPipeline flow = EmoPipeline.builder().pack(java.nio.file.Path.of("builtin:flow")).build()) {
            assertEquals("procedural-flow-reference", flow.packInfo().name());
            Collector c = new Collector();
            try (LiveSession s = open(flow, options, c)) {
                feedInChunks(s, v, 320);
                s.end();
                c.await();
            }
            assertSameFrames(rendered(flow, v, options), c, 33);
        }
    }

    @Test
    void badChunksAreRefusedByNameAndTheSessionGoesOn() throws Exception {
        Collector c = new Collector();
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withRealTime(false).withMaxBufferSeconds(2), c)) {
            float[] nan = voice(0.1);
            nan[17] = Float.NaN;
            var e1 = assertThrows(InvalidInputException.class, () -> s.feed(nan, 16000));
            assertTrue(e1.getMessage().contains("sample 17 is NaN"), e1.getMessage());
            var e2 = assertThrows(InvalidInputException.class, () -> s.feed(voice(0.1), 44100));
            assertTrue(e2.getMessage().contains("44100 Hz") && e2.getMessage().contains("16000 Hz"), e2.getMessage());
            var e3 = assertThrows(InvalidInputException.class, () -> s.feed(null, 16000));
            assertTrue(e3.getMessage().contains("none given"), e3.getMessage());
            var e4 = assertThrows(InvalidInputException.class, () -> s.feed(new float[16000 * 3], 16000));
            assertTrue(e4.getMessage().contains("faster than this session renders") && e4.getMessage().contains("maxBufferSeconds"),
                    e4.getMessage());
            s.feed(voice(0.4), 16000);
            s.end();
            c.await();
            assertNull(c.error.get());
            assertThrows(IllegalStateException.class, () -> s.feed(voice(0.1), 16000));
        }
        assertEquals(10, c.frames.size(), "only the good voice: 0.4 s");
    }

    @Test
    void awaitEndGivesTheFiguresTheFailureOrTheClose() throws Exception {
        // the end: the figures, after every frame
        Collector c = new Collector();
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withRealTime(false), c)) {
            assertNull(s.awaitEnd(10, TimeUnit.MILLISECONDS), "no voice yet: the wait times out");
            s.feed(voice(0.4), 16000);
            s.end();
            LiveStats st = s.awaitEnd(60, TimeUnit.SECONDS);
            assertEquals(10, st.frames());
            assertEquals(10, c.frames.size(), "every frame was handed over first");
        }
        // the failure: the listener's exception
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withRealTime(false), new LiveSession.Listener() {
            @Override
            public void onFrame(LiveFrame frame) {
                throw new IllegalStateException("the listener broke");
            }
        })) {
            s.feed(voice(0.4), 16000);
            s.end();
            var e = assertThrows(EmoException.class, () -> s.awaitEnd(60, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("the listener broke"), e.getMessage());
        }
        // the close: a cancellation
        LiveSession closed = pipeline.live(request(), LiveOptions.DEFAULT.withRealTime(false), new Collector());
        closed.feed(voice(0.2), 16000);
        closed.close();
        assertThrows(RenderCancelledException.class, () -> closed.awaitEnd(10, TimeUnit.SECONDS));
    }

    @Test
    void aLiveRequestIsNotARenderAndARenderRequestIsNotLive() {
        var e = assertThrows(InvalidInputException.class, () -> pipeline.render(request()));
        assertTrue(e.getMessage().contains("live request"), e.getMessage());
        RenderRequest withVoice = RenderRequest.builder(portrait, new io.github.emo4j.audio.AudioClip(voice(0.2), 16000)).build();
        var f = assertThrows(InvalidInputException.class,
                () -> pipeline.live(withVoice, LiveOptions.DEFAULT, new Collector()));
        assertTrue(f.getMessage().contains("RenderRequest.live"), f.getMessage());
    }

    @Test
    void inRealTimeThePauseIsFilledAndCloseLeavesNoThread() throws Exception {
        Collector c = new Collector();
        LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT, c);
        // no voice at all: the face listens, frames keep coming at the clock's pace
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (c.frames.size() < 8 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(c.frames.size() >= 8, "frames while nobody speaks: " + c.frames.size());
        for (int k = 0; k < c.frames.size(); k++) {
            assertEquals(k, c.frames.get(k).index());
        }
        s.feed(voice(0.3), 16000);
        s.close();
        assertTrue(s.isOver());
        assertNull(c.error.get(), "a close is not an error");
        assertThrows(IllegalStateException.class, () -> s.feed(voice(0.1), 16000));
        assertEquals(List.of(), liveThreads(), "threads left after close");
    }

    @Test
    void aSessionTooSlowForRealTimeStopsWithAClearError() throws Exception {
        Collector slow = slow(120, Long.MAX_VALUE);
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withLag(0.2, LiveOptions.LagPolicy.STOP), slow)) {
            feedUntilOver(s, voice(4), 320);
            slow.await();
            assertNotNull(slow.error.get(), "the lag policy stops the session");
            assertTrue(slow.error.get().getMessage().contains("behind the voice")
                    && slow.error.get().getMessage().contains("too slow for real time"), slow.error.get().getMessage());
            assertTrue(s.isOver());
        }
        assertEquals(List.of(), liveThreads());
    }

    @Test
    void fewerStepsWhenBehind() throws Exception {
        Collector slow = slow(60, Long.MAX_VALUE);
        RenderRequest eight = RenderRequest.live(portrait).face(face).clipFrames(4).steps(8).build();
        try (LiveSession s = pipeline.live(eight, LiveOptions.DEFAULT.withLag(0.2, LiveOptions.LagPolicy.FEWER_STEPS), slow)) {
            feedUntilOver(s, voice(3), 320);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s.stats().steps() == 8 && !s.isOver() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(s.stats().steps() < 8, "steps after falling behind: " + s.stats().steps());
        }
    }

    @Test
    void aLowerFrameRateWhenBehindHoldsEachFrameAndKeepsTheStreamWhole() throws Exception {
        // the first second of frames is slow to take, so the video falls behind the voice fed at its pace
        Collector slow = slow(100, 25);
        float[] v = voice(4);
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withLag(0.2, LiveOptions.LagPolicy.LOWER_FRAME_RATE),
                slow)) {
            // paced by the clock, as a microphone is: sleeps that overshoot must not add up to a pause the
            // session would fill with silence
            long start = System.nanoTime();
            for (int i = 0; i < v.length; i += 320) {
                s.feed(java.util.Arrays.copyOfRange(v, i, i + 320), 16000);
                long due = start + (i + 320) / 16 * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            s.end();
            slow.await();
            assertNull(slow.error.get(), () -> "a lower frame rate catches up: " + slow.error.get());
        }
        LiveStats st = slow.end.get();
        assertTrue(st.renderFps() < 25, "rendered frame rate after falling behind: " + st.renderFps());
        assertEquals(100, st.frames(), "the stream keeps its rate: 4 s at 25 fps");
        assertEquals(100, slow.frames.size());
        int held = 0;
        for (int k = 0; k < 100; k++) {
            LiveFrame f = slow.frames.get(k);
            assertEquals(k, f.index());
            assertEquals(k * 40_000L, f.ptsMicros());
            assertArrayEquals(java.util.Arrays.copyOfRange(v, k * 640, (k + 1) * 640), f.audio(), "frame " + k + "'s voice");
            if (k > 0 && java.util.Arrays.equals(f.rgb(), slow.frames.get(k - 1).rgb())) {
                held++;
            }
        }
        // at 12 fps or 6, most rendered frames are held for two stream frames or more
        assertTrue(held >= 20, "stream frames that hold the one before: " + held);
        assertEquals(List.of(), liveThreads());
    }

    @Test
    void closingThePipelineEndsAnIdleSessionAsCancelled() throws Exception {
        EmoPipeline own = EmoPipeline.builder().build();
        Collector c = new Collector();
        LiveSession s = own.live(request(), LiveOptions.DEFAULT.withRealTime(false), c);
        s.feed(voice(0.1), 16000);
        own.close();
        c.await();
        assertTrue(s.isOver());
        assertInstanceOf(RenderCancelledException.class, c.error.get(), "the pipeline closed under the session");
        assertThrows(IllegalStateException.class, () -> own.live(request(), LiveOptions.DEFAULT, new Collector()));
        assertEquals(List.of(), liveThreads());
    }

    @Test
    void aListenerThatThrowsEndsTheSessionWithItsErrorAndNothingHangs() throws Exception {
        Collector c = new Collector() {
            @Override
            public void onFrame(LiveFrame frame) {
                super.onFrame(frame);
                if (frame.index() == 3) {
                    throw new IllegalStateException("the display went away");
                }
            }
        };
        try (LiveSession s = pipeline.live(request(), LiveOptions.DEFAULT.withRealTime(false), c)) {
            feedInChunks(s, voice(1), 320);
            s.end();
            c.await();
            assertTrue(s.isOver());
        }
        assertNotNull(c.error.get());
        assertTrue(c.error.get().getMessage().contains("the display went away"), c.error.get().getMessage());
        assertEquals(4, c.frames.size(), "no frame after the one that failed");
        assertEquals(List.of(), liveThreads());
    }

    @Test
    void optionsOutOfRangeAreNamed() {
        var rate = assertThrows(InvalidInputException.class, () -> LiveOptions.DEFAULT.withSampleRate(4000));
        assertTrue(rate.getMessage().startsWith("sampleRate"), rate.getMessage());
        var buffer = assertThrows(InvalidInputException.class, () -> LiveOptions.DEFAULT.withMaxBufferSeconds(0));
        assertTrue(buffer.getMessage().startsWith("maxBufferSeconds"), buffer.getMessage());
        var lag = assertThrows(InvalidInputException.class, () -> LiveOptions.DEFAULT.withLag(Double.NaN, LiveOptions.LagPolicy.STOP));
        assertTrue(lag.getMessage().startsWith("maxLagSeconds"), lag.getMessage());
        var clip = assertThrows(InvalidInputException.class, () -> RenderRequest.live(portrait).clipFrames(65));
        assertTrue(clip.getMessage().startsWith("clipFrames"), clip.getMessage());
    }

    static List<String> liveThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> names;
        do {
            names = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("emo4j-live") || n.startsWith("emo4j-decode") || n.startsWith("emo4j-noise")
                            || n.startsWith("emo4j-encoder") || n.startsWith("emo4j-sink")).toList();
            if (names.isEmpty()) {
                break;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return names;
    }
}
