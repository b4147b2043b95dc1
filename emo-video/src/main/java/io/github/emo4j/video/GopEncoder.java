package io.github.emo4j.video;

import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * H.264 encoding spread over threads by group of pictures (GOP). {@link SkippingH264Encoder} begins
 * every GOP afresh — an IDR frame, frame_num 0, no reference from before — so a new encoder per GOP writes
 * exactly the bytes one encoder writes for the whole stream. GOPs are therefore encoded in parallel
 * and their packets handed back in stream order: the output does not depend on the thread count.
 * Frames are streamed into the GOP that is filling while earlier ones are still being encoded; the
 * pictures in flight are bounded by memory, and the producer waits when they run out. Within a GOP,
 * the slices of each picture are coded in parallel too, on helper threads that are free at that moment:
 * the frames one GOP holds (the last frames of a render, above all) then take a fraction of the time.
 *
 * <p>Used from one producer thread: {@link #picture}, fill it, {@link #submit}, and collect finished
 * packets with {@link #ready} or {@link #finish}.
 */
final class GopEncoder implements AutoCloseable {
    static {
        JcodecLogging.install();
    }


    /** One encoded frame. */
    record Packet(ByteBuffer data, boolean key) {
    }

    private static final Picture END = Picture.create(16, 16, ColorSpace.YUV420J);

    private final int w16;
    private final int h16;
    private final Rect crop;
    private final int qp;
    private final int keyInterval;
    private final ExecutorService workers;
    /** Codes a picture's other slices while its GOP's worker codes one; {@code null} with one thread. */
    private final ThreadPoolExecutor sliceHelper;
    private final BlockingQueue<Picture> free;
    private final int maxPictures;
    private int pictures;
    private final ArrayDeque<Gop> pending = new ArrayDeque<>();
    private Gop filling;
    private boolean finished;

    /** A GOP being fed and encoded: its frames arrive through a queue, its packets leave in a list. */
    private final class Gop {
        final BlockingQueue<Picture> frames;
        final List<Packet> packets = new ArrayList<>();
        int submitted;
        Future<?> done;

        Gop() {
            frames = new ArrayBlockingQueue<>(keyInterval + 1);
        }

        void encode() throws InterruptedException {
            SkippingH264Encoder enc = new SkippingH264Encoder(keyInterval, 0, (x, y, key) -> Mp4Writer.macroblockQp(qp, key),
                    sliceHelper, 0);
            ByteBuffer out = ByteBuffer.allocate(w16 * h16 * 3);
            while (true) {
                Picture p = frames.take();
                if (p == END) {
                    return;
                }
                out.clear();
                boolean key = enc.encode(p, out);
                out.flip();
                packets.add(new Packet(NIOUtils.clone(out), key));
                free.put(p);
                if (packets.size() == keyInterval) {
                    return;
                }
            }
        }
    }

    /**
     * @param threads     encoding threads; 1 encodes on the caller's thread's schedule through one worker
     * @param memoryBytes pictures in flight may take this much
     */
    GopEncoder(int w16, int h16, Rect crop, int qp, int keyInterval, int threads, long memoryBytes) {
        this.w16 = w16;
        this.h16 = h16;
        this.crop = crop;
        this.qp = qp;
        this.keyInterval = keyInterval;
        long pictureBytes = (long) w16 * h16 * 3 / 2;
        // enough for every worker's GOP and the one filling, within the memory allowed
        long wanted = (long) keyInterval * (threads + 1);
        this.maxPictures = (int) Math.max(2, Math.min(wanted, memoryBytes / pictureBytes));
        this.free = new ArrayBlockingQueue<>(maxPictures);
        this.workers = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "emo4j-h264");
            t.setDaemon(true);
            return t;
        });
        this.sliceHelper = SkippingH264Encoder.sliceHelpers(threads);
    }

    /** A picture to fill with the next frame; waits while too many are in flight. */
    Picture picture() throws IOException {
        Picture p = free.poll();
        if (p != null) {
            return p;
        }
        if (pictures < maxPictures) {
            pictures++;
            return Picture.createCropped(w16, h16, ColorSpace.YUV420J, crop);
        }
        try {
            while (true) {
                p = free.poll(100, TimeUnit.MILLISECONDS);
                if (p != null) {
                    return p;
                }
                rethrowFailures();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the encoder");
        }
    }

    /** Queues a filled picture as the next frame. */
    void submit(Picture p) throws IOException {
        if (finished) {
            throw new IllegalStateException("encoder is finished");
        }
        if (filling == null) {
            Gop g = new Gop();
            g.done = workers.submit(() -> {
                g.encode();
                return null;
            });
            pending.add(g);
            filling = g;
        }
        filling.frames.add(p);
        if (++filling.submitted == keyInterval) {
            filling = null;
        }
    }

    /** Packets of the GOPs finished so far, in stream order, without waiting. */
    List<Packet> ready() throws IOException {
        List<Packet> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek().done.isDone()) {
            out.addAll(take(pending.poll()));
        }
        return out;
    }

    /**
     * Packets of every GOP that is complete (the one still being filled excepted), in stream order,
     * waiting for their encoding: a fragmented stream writes a fragment when its GOP is closed.
     */
    List<Packet> closed() throws IOException {
        List<Packet> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek() != filling) {
            out.addAll(take(pending.poll()));
        }
        return out;
    }

    /** Ends the stream and returns every packet not yet handed out, in order. */
    List<Packet> finish() throws IOException {
        finished = true;
        if (filling != null) {
            filling.frames.add(END);
            filling = null;
        }
        List<Packet> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            out.addAll(take(pending.poll()));
        }
        return out;
    }

    private List<Packet> take(Gop g) throws IOException {
        try {
            g.done.get();
            return g.packets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while encoding");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("H.264 encoding failed: " + c, c);
        }
    }

    /** Rethrows the failure of any GOP that has ended. */
    private void rethrowFailures() throws IOException {
        for (Gop g : pending) {
            if (g.done.isDone()) {
                take(g);
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        if (sliceHelper != null) {
            sliceHelper.shutdownNow();
        }
    }
}
