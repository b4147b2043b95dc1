package io.github.emo4j;

/** Lets another thread stop a render. The render then throws {@link RenderCancelledException}. */
public final class CancelToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
