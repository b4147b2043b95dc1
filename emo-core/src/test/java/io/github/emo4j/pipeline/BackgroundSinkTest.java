package io.github.emo4j.pipeline;

import io.github.emo4j.video.FrameSink;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundSinkTest {

    /** A target that holds its first frame until released, then records copies of everything. */
    private static final class Gate implements FrameSink {
        final CountDownLatch release = new CountDownLatch(1);
        final List<int[]> got = new ArrayList<>();

        @Override
        public void accept(int[] rgb) throws java.io.IOException {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            synchronized (got) {
                got.add(rgb.clone());
            }
        }

        @Override
        public void finish() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSlowEncoderMakesTheProducerWaitAfterDepthFramesAndLosesNothing() throws Exception {
        Gate gate = new Gate();
        int depth = 3;
        try (BackgroundSink sink = new BackgroundSink(gate, 5, depth)) {
            CountDownLatch queued = new CountDownLatch(depth + 1);
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < 10; i++) {
                        sink.accept(new int[] {i, i, i, i, i});
                        queued.countDown();
                    }
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            producer.start();
            // one frame is with the encoder and the others fill the pool; the next must wait
            assertFalse(queued.await(300, TimeUnit.MILLISECONDS), "the producer should be held back");
            assertEquals(1, queued.getCount(), "exactly depth frames were taken in");
            gate.release.countDown();
            producer.join(10_000);
            sink.finish();
        }
        assertEquals(10, gate.got.size());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(new int[] {i, i, i, i, i}, gate.got.get(i), "frame " + i + " in order and intact");
        }
    }

    @Test
    void backgroundSinkPropagatesEncoderFailures() throws Exception {
        io.github.emo4j.video.FrameSink failing = new FrameSink() {
            @Override
            public void accept(int[] rgb) throws java.io.IOException {
                throw new java.io.IOException("disk full");
            }

            @Override
            public void finish() {
            }

            @Override
            public void close() {
            }
        };
        try (BackgroundSink s = new BackgroundSink(failing, 4, 2)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    s.accept(new int[4]);
                }
                s.finish();
            });
            assertEquals("disk full", e.getMessage());
        }
    }
}
