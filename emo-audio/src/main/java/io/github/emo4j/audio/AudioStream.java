package io.github.emo4j.audio;

import java.io.IOException;

/**
 * Mono samples read in pieces, so audio of any length can be processed in bounded memory.
 * Not thread-safe.
 */
interface AudioStream extends AutoCloseable {

    /**
     * Samples per second.
     *
     * @return the stream's sample rate
     */
    int sampleRate();

    /**
     * Total samples if the container says.
     *
     * @return the sample count, or -1 when unknown
     */
    long lengthHint();

    /**
     * Reads up to {@code len} mono samples.
     *
     * @param dst where the samples go
     * @param off the first index written
     * @param len the most samples to read
     * @return how many were read, or -1 at the end
     * @throws IOException if the file cannot be read or is malformed
     */
    int read(float[] dst, int off, int len) throws IOException;

    @Override
    void close() throws IOException;
}
