package io.github.emo4j.bench;

import io.github.emo4j.LiveSession;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/** A voice fed to a live session as a microphone delivers it: 20 ms chunks at the clock's pace. */
final class Microphone {
    /** A chunk of voice, as a microphone's callback delivers it. */
    static final double CHUNK_SECONDS = 0.02;

    private Microphone() {
    }

    /**
     * Feeds {@code voice[0, until)} at {@code rate} to {@code session}, each chunk when the clock reaches its
     * time; {@code afterChunk} is told that time (nanoseconds since the first chunk) once the chunk is in.
     * Stops early once the session is over.
     */
    static void feed(LiveSession session, float[] voice, int until, int rate, LongConsumer afterChunk)
            throws InterruptedException {
        int chunk = (int) Math.round(CHUNK_SECONDS * rate);
        long start = System.nanoTime();
        for (int i = 0; i < until && !session.isOver(); i += chunk) {
            long at = (long) (i / (double) rate * 1e9);
            long wait = start + at - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            session.feed(Arrays.copyOfRange(voice, i, Math.min(until, i + chunk)), rate);
            afterChunk.accept(at);
        }
    }
}
