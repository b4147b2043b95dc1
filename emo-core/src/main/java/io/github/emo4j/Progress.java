package io.github.emo4j;

/**
 * Where a render is.
 *
 * @param stage      what it is doing
 * @param clip       the clip being generated, from 0
 * @param clips      clips in the render
 * @param step       the sampling step just finished within the clip, from 1
 * @param steps      steps per clip
 * @param fraction   share of the whole render done, 0..1
 * @param etaSeconds estimated seconds left, or -1 while unknown
 */
public record Progress(Stage stage, int clip, int clips, int step, int steps, double fraction, double etaSeconds) {

    /** Stages of a render, in order. */
    public enum Stage { PREPARE, DENOISE, ENCODE, DONE }
}
