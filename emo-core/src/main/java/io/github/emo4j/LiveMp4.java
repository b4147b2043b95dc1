package io.github.emo4j;

import io.github.emo4j.video.FragmentedMp4Writer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A live session's frames as a fragmented MP4 stream (CMAF), handed out a piece at a time: the init
 * segment with the first fragment, then one {@code moof}+{@code mdat} fragment per clip, H.264 with the
 * AAC voice in step. Each piece is whole boxes, ready for a file, a socket or a browser's
 * {@code SourceBuffer}. Encoding runs on a thread of its own behind a queue of two seconds of frames, so
 * it does not hold up the session's frames; a full queue holds up the session, which then reports its
 * lag: nothing grows unseen.
 *
 * <pre>{@code
 * try (LiveMp4 mp4 = new LiveMp4(fps, rate, clipFrames, 26, piece -> socket.send(piece))) {
 *     // forward onFrame to mp4.onFrame from the session's listener, then after onEnd:
 *     mp4.finish();
 * }
 * }</pre>
 *
 * <p>Fed by one session; {@link #finish} and {@link #close} from any one thread.
 */
public final class LiveMp4 implements AutoCloseable {
    private static final LiveFrame DONE = new LiveFrame(-1, 0, 0, 0, new int[0], new float[0], 0);
    private static final long JOIN_MILLIS = 5_000;

    /** Where the stream's pieces go, in order, from the encoding thread. */
    @FunctionalInterface
    public interface Pieces {
        /**
         * A piece of the stream: whole boxes.
         *
         * @param bytes  the piece, the callee's to keep
         * @param frames frames in the stream once this piece is written
         * @throws IOException if it cannot be passed on; the stream then stops, and {@link #finish} reports it
         */
        void write(byte[] bytes, long frames) throws IOException;
    }

    private final int fps;
    private final int voiceRate;
    private final int firstFragmentFrames;
    private final int framesPerFragment;
    private final int qp;
    private final Pieces out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 16);
    private final BlockingQueue<LiveFrame> queue;
    private final Thread encoder;
    private FragmentedMp4Writer writer;
    private long frames;
    private volatile IOException failure;
    private boolean finished;
    private volatile boolean closed;

    /**
     * A stream of frames from a session.
     *
     * @param fps               the session's frame rate ({@link PackInfo#fps()})
     * @param voiceRate         the session's voice rate ({@link LiveOptions#sampleRate()})
     * @param framesPerFragment frames per fragment: the session's clip
     * @param qp                H.264 quantiser, 10 (best) to 29 (smallest)
     * @param out               where the pieces go
     * @throws IllegalArgumentException if a value is out of range
     */
    public LiveMp4(int fps, int voiceRate, int framesPerFragment, int qp, Pieces out) {
        this(fps, voiceRate, framesPerFragment, framesPerFragment, qp, out);
    }

    /**
     * A stream for a session of {@code request} on a pack described by {@code pack}: a fragment a clip,
     * the first as long as the session's first clip.
     *
     * @param request   the session's request
     * @param pack      the pipeline's pack ({@link EmoPipeline#packInfo()})
     * @param voiceRate the session's voice rate ({@link LiveOptions#sampleRate()})
     * @param qp        H.264 quantiser, 10 (best) to 29 (smallest)
     * @param out       where the pieces go
     * @return the stream
     */
    public static LiveMp4 forSession(RenderRequest request, PackInfo pack, int voiceRate, int qp, Pieces out) {
        int clip = request.clipFrames() > 0 ? request.clipFrames() : pack.clipFrames();
        int first = request.firstClipFrames() > 0 ? Math.min(clip, request.firstClipFrames()) : clip;
        return new LiveMp4(pack.fps(), voiceRate, first, clip, qp, out);
    }

    /**
     * A stream of frames from a session whose first clip is shorter than the others
     * ({@link RenderRequest#firstClipFrames()}): its first fragment is that clip.
     *
     * @param fps                 the session's frame rate ({@link PackInfo#fps()})
     * @param voiceRate           the session's voice rate ({@link LiveOptions#sampleRate()})
     * @param firstFragmentFrames frames of the first fragment: the session's first clip
     * @param framesPerFragment   frames of every later fragment: the session's clip
     * @param qp                  H.264 quantiser, 10 (best) to 29 (smallest)
     * @param out                 where the pieces go
     * @throws IllegalArgumentException if a value is out of range
     */
    public LiveMp4(int fps, int voiceRate, int firstFragmentFrames, int framesPerFragment, int qp, Pieces out) {
        if (fps < 1 || voiceRate < 1 || framesPerFragment < 1 || firstFragmentFrames < 1
                || firstFragmentFrames > framesPerFragment || qp < 10 || qp > 29 || out == null) {
            throw new IllegalArgumentException("fps " + fps + ", voice rate " + voiceRate + ", frames per fragment "
                    + framesPerFragment + " (the first " + firstFragmentFrames + "), qp " + qp + (out == null ? ", no output" : ""));
        }
        this.fps = fps;
        this.voiceRate = voiceRate;
        this.firstFragmentFrames = firstFragmentFrames;
        this.framesPerFragment = framesPerFragment;
        this.qp = qp;
        this.out = out;
        this.queue = new ArrayBlockingQueue<>(2 * fps);
        this.encoder = new Thread(this::encode, "emo4j-live-mp4");
        encoder.setDaemon(true);
        encoder.start();
    }

    /**
     * Takes a frame from the session: call it from {@link LiveSession.Listener#onFrame}. Waits while two
     * seconds of frames wait to be encoded.
     *
     * @param frame the frame
     */
    public void onFrame(LiveFrame frame) {
        try {
            // not put(): a stream closed meanwhile must not hold the session's thread
            while (!closed && !queue.offer(frame, 50, TimeUnit.MILLISECONDS)) {
                continue;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Encodes every frame taken, then writes the last fragment, with the rest of the voice. Call it once
     * the session has ended ({@link LiveSession.Listener#onEnd}).
     *
     * @throws IOException if a piece could not be written, now or before
     * @throws RenderCancelledException if the calling thread is interrupted
     */
    public void finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("this stream is already finished");
        }
        finished = true;
        try {
            queue.put(DONE);
            encoder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderCancelledException("interrupted while the live stream was being finished");
        }
        if (failure == null && writer != null) {
            try {
                writer.finish();
                flush();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops encoding at once; frames not yet written are dropped. From any thread, a piece's writer's too. */
    @Override
    public void close() {
        closed = true;
        encoder.interrupt();
        if (Thread.currentThread() != encoder) {
            try {
                encoder.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (writer != null) {
            writer.close();
        }
    }

    private void encode() {
        try {
            while (true) {
                LiveFrame f = queue.poll(1, TimeUnit.SECONDS);
                if (f == DONE) {
                    return;
                }
                if (f != null && failure == null) {
                    write(f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(LiveFrame f) {
        try {
            if (writer == null) {
                writer = new FragmentedMp4Writer(pending, f.width(), f.height(), fps, voiceRate, firstFragmentFrames,
                        framesPerFragment, qp);
            }
            writer.accept(f.rgb(), f.audio());
            frames++;
            flush();
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Hands on what the writer wrote: nothing, or whole boxes (it writes at fragment boundaries only). */
    private void flush() throws IOException {
        if (pending.size() > 0) {
            byte[] piece = pending.toByteArray();
            pending.reset();
            out.write(piece, frames);
        }
    }
}
