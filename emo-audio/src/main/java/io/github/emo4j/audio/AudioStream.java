package io.github.emo4j.audio;

import java.io.IOException;

/**
 * Mono samples read in pieces, so audio of any length can be processed in bounded memory.
 * Not thread-safe.
 */
public interface AudioStream extends AutoCloseable {

    int sampleRate();

    /** Total samples if the container says, or -1. */
    long lengthHint();

    /** Reads up to {@code len} samples into {@code dst}; returns how many, or -1 at the end. */
    int read(float[] dst, int off, int len) throws IOException;

    @Override
    void close() throws IOException;
}
