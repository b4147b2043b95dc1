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

    /**
     * Opens the sink a render's frames go to, once the render knows their size: the portrait's, since
     * every frame is the portrait with the animated face pasted back.
     */
    @FunctionalInterface
    interface Factory {
        /**
         * Opens a sink for frames of {@code width} × {@code height} pixels at {@code fps} frames a second.
         *
         * @param width  frame width in pixels
         * @param height frame height in pixels
         * @param fps    frames per second
         * @return the sink, which the render finishes when it succeeds and closes in any case
         * @throws IOException if the sink cannot be opened
         */
        FrameSink open(int width, int height, int fps) throws IOException;
    }

    /**
     * A sink that hands every frame to each of {@code sinks} in turn, finishes them in reverse order (so
     * the first, the main output, is committed last) and closes them all.
     *
     * @param sinks the sinks
     * @return the combined sink
     */
    static FrameSink tee(FrameSink... sinks) {
        FrameSink[] all = sinks.clone();
        return new FrameSink() {
            @Override
            public void accept(int[] rgb) throws IOException {
                for (FrameSink s : all) {
                    s.accept(rgb);
                }
            }

            @Override
            public void finish() throws IOException {
                for (int i = all.length - 1; i >= 0; i--) {
                    all[i].finish();
                }
            }

            @Override
            public void close() throws IOException {
                IOException first = null;
                for (FrameSink s : all) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        first = first == null ? e : first;
                    }
                }
                if (first != null) {
                    throw first;
                }
            }
        };
    }
}
