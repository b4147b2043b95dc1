package io.github.emo4j.onnx;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct buffers kept between renders of one pipeline. A render at Wan's sizes holds about a gigabyte of
 * tensors; allocating it afresh makes the kernel fault in and zero every page, and makes the JVM wait for a
 * collection to free the last render's buffers, which took 1 to 5 s of a 35 s render on a 2-core machine.
 * Renders of the same shapes take their buffers back from here, already in memory.
 *
 * <p>Bounded: what waits here unused is at most what the largest single {@link Lease} held, so the
 * pipeline does not grow across renders; buffers beyond that are left to the garbage collector.
 * Thread-safe.
 */
public final class TensorPool {
    /** Idle buffers by their number of floats. */
    private final Map<Integer, ArrayDeque<FloatBuffer>> idle = new HashMap<>();
    private long idleBytes;
    private long capBytes;

    /** A render's share of the pool: the buffers it took, given back together by {@link #close}. */
    public final class Lease implements AutoCloseable {
        private final List<FloatBuffer> taken = new ArrayList<>();
        private boolean closed;

        /** A zero-filled tensor of {@code shape}, from an idle buffer of its size when there is one. */
        public FloatTensor zeros(long... shape) {
            return tensor(true, shape);
        }

        /**
         * A tensor of {@code shape} whose values are left as they are: an idle buffer of its size holds what
         * the last render wrote (a new one holds zeros). For buffers that are wholly written before anything
         * reads them, such as a network's outputs: at a video model's sizes, zero-filling the buffers a
         * render takes back is a pass over a gigabyte before its first step.
         */
        public FloatTensor unfilled(long... shape) {
            return tensor(false, shape);
        }

        private FloatTensor tensor(boolean zeroed, long... shape) {
            int n = (int) FloatTensor.count(shape);
            FloatBuffer b = take(n);
            FloatTensor t;
            if (b == null) {
                t = FloatTensor.zeros(shape);
            } else {
                t = FloatTensor.over(b, shape);
                if (zeroed) {
                    t.fill(0f);
                }
            }
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("this render's tensors were given back");
                }
                taken.add(t.buffer());
            }
            return t;
        }

        /**
         * Keeps the buffers from the pool for good: a helper thread that did not stop may still write into
         * them, so they must not serve another render.
         */
        public void abandon() {
            synchronized (this) {
                closed = true;
                taken.clear();
            }
        }

        /** Gives every buffer back; the tensors over them must no longer be used. */
        @Override
        public void close() {
            List<FloatBuffer> all;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                all = new ArrayList<>(taken);
                taken.clear();
            }
            giveBack(all);
        }
    }

    /** A lease for one render. */
    public Lease lease() {
        return new Lease();
    }

    /** Bytes of buffers waiting unused. */
    public synchronized long idleBytes() {
        return idleBytes;
    }

    /** Drops every idle buffer, for the garbage collector to free. */
    public synchronized void clear() {
        idle.clear();
        idleBytes = 0;
    }

    private synchronized FloatBuffer take(int floats) {
        ArrayDeque<FloatBuffer> q = idle.get(floats);
        if (q == null || q.isEmpty()) {
            return null;
        }
        idleBytes -= 4L * floats;
        return q.pop();
    }

    private synchronized void giveBack(List<FloatBuffer> buffers) {
        long held = 0;
        for (FloatBuffer b : buffers) {
            held += 4L * b.capacity();
        }
        capBytes = Math.max(capBytes, held);
        for (FloatBuffer b : buffers) {
            long bytes = 4L * b.capacity();
            if (idleBytes + bytes > capBytes) {
                continue;
            }
            idle.computeIfAbsent(b.capacity(), k -> new ArrayDeque<>()).push(b);
            idleBytes += bytes;
        }
    }
}
