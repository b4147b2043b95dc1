package io.github.emo4j.pipeline;

import io.github.emo4j.onnx.FloatTensor;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work over the values {@code 0 .. n − 1} shared out in blocks between the calling thread and a helper
 * thread, whichever is free taking the next block. A fixed split would make the caller wait whenever the
 * helper's core is busy elsewhere (the previous clip's decoder runs beside the sampler's first steps);
 * here the caller then does the blocks itself, and waits at most for the one block the helper holds.
 */
final class SharedRanges {
    /** Values a block: 16 of the chunks every pass reads through, 128 KB of each array. */
    static final int BLOCK = 16 * FloatTensor.CHUNK;

    /** A range's work; {@code onHelper} says which thread's own buffer views to use. */
    @FunctionalInterface
    interface RangeWork {
        void run(int from, int to, boolean onHelper);
    }

    private final AtomicInteger next = new AtomicInteger();
    private final int n;
    private final RangeWork work;
    private final Future<?> helping;

    private SharedRanges(ExecutorService helper, int n, RangeWork work) {
        this.n = n;
        this.work = work;
        this.helping = helper.submit(() -> take(true));
    }

    /** Starts {@code work} over {@code 0 .. n − 1} on {@code helper}; {@link #finish} joins it. */
    static SharedRanges start(ExecutorService helper, int n, RangeWork work) {
        return new SharedRanges(helper, n, work);
    }

    /** Takes the blocks left on the calling thread, then waits for the helper's; its failure is rethrown. */
    void finish(String what) throws IOException {
        try {
            take(false);
        } finally {
            HelperTasks.await(helping, what);
        }
    }

    private void take(boolean onHelper) {
        for (int from = next.getAndAdd(BLOCK); from < n; from = next.getAndAdd(BLOCK)) {
            work.run(from, Math.min(n, from + BLOCK), onHelper);
        }
    }
}
