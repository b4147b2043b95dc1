package io.github.emo4j;

/**
 * One frame of a live stream, with the voice it shows.
 *
 * @param index        the frame's number from 0, with no gaps
 * @param ptsMicros    its presentation time: {@code index / fps} seconds, in microseconds
 * @param width        frame width in pixels
 * @param height       frame height in pixels
 * @param rgb          the pixels as packed {@code 0xRRGGBB}, row by row; the array is the listener's
 * @param audio        the voice during the frame, mono at the session's sample rate (silence where the
 *                     session filled a pause)
 * @param latencyNanos how long after its voice arrived the frame left the session: from the moment the
 *                     last sample of the frame's time was fed
 */
public record LiveFrame(long index, long ptsMicros, int width, int height, int[] rgb, float[] audio, long latencyNanos) {
}
