package io.github.emo4j.video;

import java.io.IOException;

/**
 * Receives rendered frames in order, one at a time, as packed {@code 0xRRGGBB} pixels. A sink is
 * either {@link #finish() finished}, which commits its output, or {@link #close() closed} before that,
 * which discards everything it wrote.
 */
public interface FrameSink extends AutoCloseable {

    /**
     * Appends one frame. The array may be reused by the caller after this returns.
     *
     * @param rgb the frame's pixels as packed {@code 0xRRGGBB}, row by row
     * @throws IOException if the frame cannot be written
     */
    void accept(int[] rgb) throws IOException;

    /**
     * Commits the output.
     *
     * @throws IOException if it cannot be completed
     */
    void finish() throws IOException;

    /** Releases resources; without a prior {@link #finish()}, the output is discarded. */
    @Override
    void close() throws IOException;
}
