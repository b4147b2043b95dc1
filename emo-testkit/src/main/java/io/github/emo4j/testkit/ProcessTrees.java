package io.github.emo4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends a process that tests started together with every process it started (a browser's helpers). */
public final class ProcessTrees {
    private ProcessTrees() {
    }

    /**
     * Kills {@code process} and its descendants and waits up to 30 s for each to end. A browser's child
     * (Chromium's network service) that outlives it keeps writing into the profile directory while a test's
     * temporary directory is deleted, which then fails a test whose browser work had passed.
     *
     * @param process the process whose tree ends
     * @throws IllegalStateException if one of them does not end
     * @throws InterruptedException  if interrupted while waiting
     */
    public static void kill(Process process) throws InterruptedException {
        // the descendants are listed first: once the parent is gone they are no longer its descendants
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("process " + h.pid() + " did not end", e);
            }
        }
    }
}
