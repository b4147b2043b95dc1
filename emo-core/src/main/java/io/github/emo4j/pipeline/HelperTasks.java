package io.github.emo4j.pipeline;

import io.github.emo4j.EmoException;
import io.github.emo4j.RenderCancelledException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A render's helper threads: how they are made, waited for and stopped; their failures surface as the render's own. */
final class HelperTasks {
    private HelperTasks() {
    }

    /** One daemon thread named {@code name}, so that a helper never keeps the JVM alive. */
    static ExecutorService singleThread(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Interrupts {@code worker}'s task and waits (boundedly) for its thread to finish, also when the caller
     * is interrupted (a killed Spark task's thread is): the caller frees the buffers the task may still be
     * running ONNX Runtime on, so returning early would free them under it. The interrupt is kept.
     *
     * @return whether the thread finished; if not, its buffers must not be used again
     */
    static boolean stop(ExecutorService worker) {
        worker.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean interrupted = false;
        boolean finished;
        while (true) {
            try {
                finished = worker.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return finished;
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
