package io.github.emo4j.video;

import java.io.IOException;

/** The audio half of an MP4 being written: fed up to a sample position as the video advances. */
interface AudioOut {

    /** Writes the audio up to sample {@code sample} of the input (at its own rate), in whole chunks. */
    void writeUpTo(long sample) throws IOException;

    /** Writes everything that is left. */
    void finish() throws IOException;
}
