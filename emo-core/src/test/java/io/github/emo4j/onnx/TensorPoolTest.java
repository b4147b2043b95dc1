package io.github.emo4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorPoolTest {

    @Test
    void aSecondRenderTakesTheFirstOnesBuffersBackZeroed() {
        TensorPool pool = new TensorPool();
        FloatTensor first;
        try (TensorPool.Lease render = pool.lease()) {
            first = render.zeros(2, 3, 4);
            first.fill(7f);
        }
        assertEquals(4L * 24, pool.idleBytes());
        long before = FloatTensor.allocatedBytes();
        try (TensorPool.Lease render = pool.lease()) {
            FloatTensor again = render.zeros(4, 6);
            assertSame(first.buffer(), again.buffer(), "the same size reuses the idle buffer");
            assertEquals(2, again.shape().length);
            for (int i = 0; i < 24; i++) {
                assertEquals(0f, again.buffer().get(i), "element " + i + " after reuse");
            }
            assertEquals(0, pool.idleBytes());
            assertNotSame(again.buffer(), render.zeros(2, 3, 4).buffer(), "a buffer is lent once at a time");
        }
        assertEquals(4L * 24, FloatTensor.allocatedBytes() - before, "only the second, concurrent tensor was new");
    }

    @Test
    void anUnfilledTensorIsNewAndZeroOrTheLastRendersBufferAsItWasLeft() {
        TensorPool pool = new TensorPool();
        FloatTensor first;
        try (TensorPool.Lease render = pool.lease()) {
            first = render.unfilled(8);
            for (int i = 0; i < 8; i++) {
                assertEquals(0f, first.buffer().get(i), "a new buffer's element " + i);
            }
            first.fill(7f);
        }
        try (TensorPool.Lease render = pool.lease()) {
            FloatTensor again = render.unfilled(2, 4);
            assertSame(first.buffer(), again.buffer(), "the same size reuses the idle buffer");
            for (int i = 0; i < 8; i++) {
                assertEquals(7f, again.buffer().get(i), "element " + i + " is not written again");
            }
        }
    }

    @Test
    void idleBuffersNeverExceedTheLargestRender() {
        TensorPool pool = new TensorPool();
        try (TensorPool.Lease a = pool.lease()) {
            a.zeros(100);
            a.zeros(50);
        }
        assertEquals(600, pool.idleBytes());
        // a render of other shapes: its buffers are new, and giving them back may not push the idle total past
        // the 600 bytes one render has held at most... unless that render held more, which raises the bound
        try (TensorPool.Lease b = pool.lease()) {
            b.zeros(30);
        }
        assertEquals(600, pool.idleBytes(), "the 120 bytes would pass the bound: left to the collector");
        try (TensorPool.Lease c = pool.lease()) {
            c.zeros(100);
            c.zeros(50);
            c.zeros(200);
        }
        assertTrue(pool.idleBytes() <= 4 * 350, "bound: the largest render, " + pool.idleBytes());
        pool.clear();
        assertEquals(0, pool.idleBytes());
    }

    @Test
    void anAbandonedLeaseGivesNothingBackAndRefusesMore() {
        TensorPool pool = new TensorPool();
        TensorPool.Lease lease = pool.lease();
        lease.zeros(64);
        lease.abandon();
        lease.close();
        assertEquals(0, pool.idleBytes(), "a buffer a stuck thread may write into serves no other render");
        assertThrows(IllegalStateException.class, () -> lease.zeros(8));
    }
}
