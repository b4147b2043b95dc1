package io.github.emo4j;

/**
 * Lets another thread stop a render: pass it with {@link RenderRequest.Builder#cancel}, then call
 * {@link #cancel}. The render stops at its next sampling step, removes its partial output and throws
 * {@link RenderCancelledException}. A token is used once; make a new one for each render.
 */
public final class CancelToken {

    /** A token not yet cancelled. */
    public CancelToken() {
    }
    private volatile boolean cancelled;

    /** Asks the render to stop; it does so within one sampling step. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Whether {@link #cancel} was called.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }
}
