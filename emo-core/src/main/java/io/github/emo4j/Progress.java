package io.github.emo4j;

/**
 * Where a render is. A listener hears of every change of state, once: {@link Stage#PREPARE} when the
 * render starts, {@link Stage#DENOISE} after every sampling step of every clip, {@link Stage#ENCODE}
 * when the last clip is denoised and the video is being finished, and {@link Stage#DONE} when the file
 * is in place. The fraction never decreases and reaches 1 exactly once, with {@code DONE}; a failed or
 * cancelled render never reports {@code DONE}.
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

    /** The share of a render's progress that sampling covers; finishing the video is the rest. */
    public static final double SAMPLING_SHARE = 0.99;

    /** Stages of a render, in order. */
    public enum Stage {
        /** finding the face, encoding the voice and the portrait */
        PREPARE,
        /** a sampling step of a clip is done */
        DENOISE,
        /** every clip is denoised; the last frames are being encoded and the file finished */
        ENCODE,
        /** the video is at its output path */
        DONE
    }
}
