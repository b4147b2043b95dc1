package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SharedRangesTest {

    /** Every value is worked once, by one thread or the other, the last block short. */
    @Test
    void everyValueIsWorkedOnceWhicheverThreadTakesIt() throws Exception {
        ExecutorService helper = HelperTasks.singleThread("test-helper");
        try {
            int n = 5 * SharedRanges.BLOCK + 17;
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            SharedRanges.start(helper, n, (from, to, onHelper) -> {
                for (int k = from; k < to; k++) {
                    seen.incrementAndGet(k);
                }
            }).finish("test");
            for (int k = 0; k < n; k++) {
                assertEquals(1, seen.get(k), "value " + k);
            }
        } finally {
            HelperTasks.stop(helper);
        }
    }

    /** A helper whose core is busy elsewhere leaves the blocks to the caller, which does not wait for it to start. */
    @Test
    void aBusyHelperLeavesTheBlocksToTheCaller() throws Exception {
        ExecutorService helper = HelperTasks.singleThread("test-helper");
        CountDownLatch release = new CountDownLatch(1);
        try {
            helper.submit(() -> {
                release.await();
                return null;
            });
            int n = 3 * SharedRanges.BLOCK;
            boolean[] byHelper = new boolean[1];
            SharedRanges work = SharedRanges.start(helper, n, (from, to, onHelper) -> byHelper[0] |= onHelper);
            Thread unblock = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            unblock.start();
            work.finish("test");
            assertEquals(false, byHelper[0], "the caller took every block before the helper was free");
        } finally {
            release.countDown();
            HelperTasks.stop(helper);
        }
    }

    /** The helper's failure is the caller's. */
    @Test
    void aFailureOnTheHelperIsRethrown() {
        ExecutorService helper = HelperTasks.singleThread("test-helper");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedRanges.start(helper,
                    2 * SharedRanges.BLOCK, (from, to, onHelper) -> {
                        if (onHelper || from > 0) {
                            throw new IllegalStateException("block at " + from);
                        }
                    }).finish("test"));
            assertTrue(e.getMessage().startsWith("block at"), e.getMessage());
        } finally {
            HelperTasks.stop(helper);
        }
    }
}
