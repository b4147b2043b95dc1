package io.github.emo4j.pipeline;

import io.github.emo4j.EmoException;
import io.github.emo4j.RenderCancelledException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a render's helper tasks: their failures surface as the render's own. */
final class Tasks {
    private Tasks() {
    }

    /**
     * Waits for {@code task}. An interrupt cancels the render; the task's I/O and runtime failures are
     * rethrown as they are, anything else as an {@link EmoException} saying what failed.
     */
    static void await(Future<?> task, String what) throws IOException {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderCancelledException("render interrupted; no output was written");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new EmoException(what + " failed: " + cause, cause);
        }
    }
}
