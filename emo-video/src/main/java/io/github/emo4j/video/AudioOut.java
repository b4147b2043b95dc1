package io.github.emo4j.video;

import java.io.IOException;

/** The audio half of an MP4 being written: fed up to a sample position as the video advances. */
interface AudioOut {

    /**
     * Encodes, without writing, the audio up to sample {@code sample} of the input, so that {@link #writeUpTo}
     * finds it ready; as the video's frames arrive, before they are encoded and muxed.
     */
    default void prepareUpTo(long sample) {
    }

    /** Writes the audio up to sample {@code sample} of the input (at its own rate), in whole chunks. */
    void writeUpTo(long sample) throws IOException;

    /** Writes everything that is left. */
    void finish() throws IOException;
}
