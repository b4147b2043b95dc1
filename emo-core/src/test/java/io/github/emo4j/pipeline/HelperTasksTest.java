package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Stopping a helper from an interrupted thread (a killed Spark task's) still waits for the helper's task:
 * the buffers it runs ONNX Runtime on are freed right after (the crash seen in KilledTaskTest).
 */
class HelperTasksTest {
    @Test
    void anInterruptedCallerStillWaitsForTheTaskAndKeepsItsInterrupt() throws Exception {
        ExecutorService worker = HelperTasks.singleThread("emo4j-test-helper");
        AtomicBoolean started = new AtomicBoolean(), finished = new AtomicBoolean();
        worker.submit(() -> {
            started.set(true);
            // a native call does not answer interrupts: a busy 300 ms stands in for one
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            finished.set(true);
        });
        while (!started.get()) {
            Thread.onSpinWait();
        }
        Thread.currentThread().interrupt();
        HelperTasks.stop(worker);
        boolean stillInterrupted = Thread.interrupted();
        assertTrue(finished.get(), "stop returned while the task was still running");
        assertTrue(stillInterrupted, "the caller's interrupt was lost");
        assertTrue(worker.isTerminated());
    }
}
