package io.github.emo4j.pipeline;

import io.github.emo4j.video.FrameSink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs another sink on its own thread, so that encoding overlaps with generating the next frames.
 * Frames are copied into a small pool of buffers, made as the encoder falls behind; when it is
 * {@code depth} frames behind, {@link #accept} waits, which bounds memory. An error on the encoding thread is rethrown to
 * the producer at its next call.
 */
final class BackgroundSink implements FrameSink {

    private static final int[] END = new int[0];

    private final FrameSink target;
    private final BlockingQueue<int[]> queue;
    private final BlockingQueue<int[]> free;
    private final Thread worker;
    private volatile Throwable failure;
    private boolean ended;
    private final int depth;
    // buffers made so far; made on demand, so an encoder that keeps up needs only a few
    private int made;

    /** Memory the frame pool may take, whatever the frame size: large portraits get a shallower queue. */
    static final long POOL_BYTES = 256L << 20;

    /**
     * A sink that hands frames to {@code target} on its own thread, through a bounded queue.
     *
     * @param target    the sink that does the work
     * @param frameSize pixels per frame
     * @param depth     frames the queue may hold; fewer for large frames, so the pool stays within 256 MB
     */
    public BackgroundSink(FrameSink target, int frameSize, int depth) {
        depth = (int) Math.max(1, Math.min(depth, POOL_BYTES / (4L * Math.max(1, frameSize))));
        this.target = target;
        this.queue = new ArrayBlockingQueue<>(depth + 1);
        this.free = new ArrayBlockingQueue<>(depth + 1);
        this.depth = depth;
        this.worker = new Thread(this::drain, "emo4j-encoder");
        worker.setDaemon(true);
        worker.start();
    }

    private void drain() {
        try {
            while (true) {
                int[] f = queue.take();
                if (f == END) {
                    return;
                }
                if (failure == null) {
                    target.accept(f);
                }
                free.put(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            // keep the producer from blocking forever on an empty pool
            free.offer(new int[0]);
        }
    }

    @Override
    public void accept(int[] rgb) throws IOException {
        rethrow();
        try {
            int[] buf = free.poll();
            if (buf == null && made < depth) {
                buf = new int[rgb.length];
                made++;
            } else if (buf == null) {
                buf = free.take();
            }
            rethrow();
            if (buf.length != rgb.length) {
                buf = new int[rgb.length];
            }
            System.arraycopy(rgb, 0, buf, 0, rgb.length);
            queue.put(buf);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing a frame");
        }
    }

    @Override
    public void finish() throws IOException {
        end();
        rethrow();
        target.finish();
    }

    /**
     * Waits until the target has taken every frame queued, without finishing it; no frame may follow.
     *
     * @throws IOException if the target failed
     */
    public void flush() throws IOException {
        end();
        rethrow();
    }

    private void end() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        try {
            queue.put(END);
            worker.join();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the video");
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t != null) {
            throw new IOException("encoder failed: " + t, t);
        }
    }

    @Override
    public void close() throws IOException {
        if (!ended) {
            ended = true;
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        target.close();
    }
}
