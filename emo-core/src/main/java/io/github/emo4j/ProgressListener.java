package io.github.emo4j;

/** Receives progress events from a render, on the rendering thread. Keep it quick. */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Called at every change of state; see {@link Progress}.
     *
     * @param progress where the render is
     */
    void onProgress(Progress progress);

    /** A listener that ignores everything. */
    ProgressListener NONE = p -> { };
}
