package io.github.emo4j;

import io.github.emo4j.video.FrameSink;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A face that speaks while the voice is still arriving. Voice goes in by {@link #feed} from any thread,
 * in chunks of any size; frames come out to the {@link Listener} as they are made, each with its
 * presentation time, the voice it shows and its latency. The session makes its clips on a thread of its
 * own with the same stages as a file render: each clip as soon as the voice under it, and the audio
 * window of its last frame, has arrived.
 *
 * <p>In real time ({@link LiveOptions#realTime()}), the stream keeps going at the frame rate while no voice
 * arrives (silence is fed in its place, so the face listens: mouth closed, blinking, swaying), and when
 * the video trails the voice by more than the lag bound, the lag policy acts. The session ends when its
 * voice ends ({@link #end}: the last clips are made, then {@link Listener#onEnd}) or when it is closed
 * ({@link #close}: at once, within a sampling step, without {@code onEnd}).
 *
 * <p>Made by {@link EmoPipeline#live}. Thread-safe.
 */
public final class LiveSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSession.class);
    private static final AtomicInteger COUNT = new AtomicInteger();
    /** Voice kept for the frames' audio; frames trail the voice by far less, or the lag policy has acted. */
    private static final double HISTORY_SECONDS = 60;
    /** A pause shorter than this is waited for, not filled: chunks of a real-time voice arrive with jitter. */
    private static final double IDLE_AFTER_SECONDS = 0.2;
    /** Latencies kept for the percentiles: 11 hours of frames at 25 fps. */
    private static final int MAX_LATENCIES = 1 << 20;
    private static final long JOIN_MILLIS = 5_000;

    /** What a session tells its caller. Called from the session's threads, one at a time. */
    public interface Listener {
        /**
         * A frame, in order and without gaps.
         *
         * @param frame the frame; its arrays are the listener's to keep
         */
        void onFrame(LiveFrame frame);

        /**
         * The voice ended and every frame of it is out.
         *
         * @param stats the session's figures
         */
        default void onEnd(LiveStats stats) {
        }

        /**
         * The session failed and is over: the pack failed, the lag policy stopped it, or the listener threw.
         *
         * @param error what went wrong
         */
        default void onError(EmoException error) {
        }
    }

    private record Chunk(float[] samples, long arrivalNanos) {
    }

    private static final Chunk END = new Chunk(new float[0], 0);

    private final LiveOptions options;
    private final Listener listener;
    /** The pack, the request and the cancellation that open the render, again when the frame rate changes. */
    private final EmoEngine.Loaded pack;
    private final RenderRequest request;
    private final BooleanSupplier renderClosing;
    /** The render; replaced (on this session's thread) when the frame rate is lowered. */
    private EmoEngine.Session session;
    private final int rate;
    private final long maxBuffered;
    private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final AtomicLong buffered = new AtomicLong();
    private final Thread worker;
    /** When the session began to take voice: the start of its stream's clock. */
    private final long openedNanos;
    private final Runnable onOver;
    private final BooleanSupplier pipelineClosing;
    private double clipSeconds;
    private double waitSeconds;
    private volatile boolean stopping;
    /** Counted down once the session's thread is done: ended, failed or closed. */
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile EmoException failure;
    private volatile boolean ended;
    private volatile boolean over;
    private int width;
    private int height;
    /** The stream's frame rate. */
    private int fps;
    /** The render's frame rate: the stream's, or less once the frame rate was lowered. */
    private volatile int renderFps;
    private volatile int steps;
    private long lastReduction;

    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<long[]> arrivals = new ArrayDeque<>();
    private final float[] history;
    private long samplesFed;
    private long frames;
    /** Frames the current render has made, each held for the stream frames its time covers. */
    private long rendered;
    /** Once the voice has ended at a lowered frame rate, the stream's frames for the whole voice; else -1. */
    private long frameCap = -1;
    /** The last rendered frame at a lowered frame rate, held to the end of the voice; else {@code null}. */
    private int[] lastRendered;
    private long firstVoiceNanos = -1;
    private long firstFrameNanos = -1;
    private long[] latencies = new long[1024];
    private int latencyCount;
    private long latencyMax = -1;
    private RenderStats renderStats;

    LiveSession(EmoEngine.Loaded pack, RenderRequest request, LiveOptions options, Listener listener,
                BooleanSupplier pipelineClosing, Runnable onOver) {
        this.options = options;
        this.listener = listener;
        this.rate = options.sampleRate();
        this.maxBuffered = (long) (options.maxBufferSeconds() * rate);
        this.history = new float[(int) (HISTORY_SECONDS * rate)];
        this.onOver = onOver;
        this.pipelineClosing = pipelineClosing;
        this.pack = pack;
        this.request = request;
        this.renderClosing = () -> stopping || pipelineClosing.getAsBoolean();
        this.session = pack.open(request, this::openSink, renderClosing);
        this.steps = session.steps();
        clipTimes();
        this.openedNanos = System.nanoTime();
        this.worker = new Thread(this::run, "emo4j-live-" + COUNT.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
    }

    /** The render's clip and the wait of each frame, in seconds at the render's frame rate. */
    private void clipTimes() {
        int[] layout = session.clipLayout();
        this.clipSeconds = layout[0] / (double) renderFps;
        // every frame waits for its clip, the audio window after it and one frame more (docs/live.md)
        this.waitSeconds = (layout[0] + layout[1] + 1) / (double) renderFps;
    }

    private FrameSink openSink(int w, int h, int rate) {
        this.width = w;
        this.height = h;
        if (fps == 0) {
            this.fps = rate;
        }
        this.renderFps = rate;
        return new FrameSink() {
            @Override
            public void accept(int[] rgb) {
                deliver(rgb);
            }

            @Override
            public void finish() {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Adds voice. The chunk is copied; the session takes it on its own thread.
     *
     * @param samples    mono samples in [-1, 1]; an empty chunk does nothing
     * @param sampleRate their rate, which must be the session's ({@link LiveOptions#sampleRate()})
     * @throws InvalidInputException if the chunk is missing, holds a NaN or infinite sample, has another
     *         rate, or would take the voice waiting beyond {@link LiveOptions#maxBufferSeconds()}: the
     *         chunk is not taken, and the session goes on
     * @throws IllegalStateException if the session is closed or over, or its voice has ended
     */
    public void feed(float[] samples, int sampleRate) {
        if (stopping || over) {
            throw new IllegalStateException("this live session is " + (stopping ? "closed" : "over"));
        }
        if (ended) {
            throw new IllegalStateException("this live session's voice has ended");
        }
        if (samples == null) {
            throw new InvalidInputException("voice chunk: none given");
        }
        if (sampleRate != rate) {
            throw new InvalidInputException("voice chunk at " + sampleRate + " Hz; this session's voice is at " + rate
                    + " Hz (LiveOptions.sampleRate); the chunk was not taken");
        }
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) {
                throw new InvalidInputException("voice chunk: sample " + i + " is " + samples[i] + "; the chunk was not taken");
            }
        }
        if (samples.length == 0) {
            return;
        }
        if (buffered.addAndGet(samples.length) > maxBuffered) {
            buffered.addAndGet(-samples.length);
            throw new InvalidInputException(String.format("voice arrives faster than this session renders it: %.1f s "
                    + "wait already, at most %.1f s (LiveOptions.maxBufferSeconds); the chunk was not taken",
                    buffered.get() / (double) rate, options.maxBufferSeconds()));
        }
        long now = System.nanoTime();
        synchronized (lock) {
            if (firstVoiceNanos < 0) {
                firstVoiceNanos = now;
            }
        }
        queue.add(new Chunk(samples.clone(), now));
    }

    /**
     * Ends the voice: the session makes the last clips, calls {@link Listener#onEnd} and is over. Voice
     * fed before this call is all rendered.
     *
     * @throws IllegalStateException if the session is closed or over
     */
    public void end() {
        if (stopping || over) {
            throw new IllegalStateException("this live session is " + (stopping ? "closed" : "over"));
        }
        if (!ended) {
            ended = true;
            queue.add(END);
        }
    }

    /**
     * Seconds of voice fed and not yet taken by the session.
     *
     * @return buffered seconds
     */
    public double bufferedSeconds() {
        return buffered.get() / (double) rate;
    }

    /**
     * Whether the session has ended, failed or been closed.
     *
     * @return true once no more frames will come
     */
    public boolean isOver() {
        return over;
    }

    /**
     * The session's figures now.
     *
     * @return frames, first-frame delay, latency percentiles, lag, steps and buffer
     */
    public LiveStats stats() {
        synchronized (lock) {
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            long p50 = latencyCount == 0 ? -1 : sorted[(int) Math.min(latencyCount - 1, Math.floor(0.50 * latencyCount))];
            long p99 = latencyCount == 0 ? -1 : sorted[(int) Math.min(latencyCount - 1, Math.floor(0.99 * latencyCount))];
            return new LiveStats(frames, firstFrameNanos, p50, p99, latencyMax, lag(), steps, renderFps, bufferedSeconds(),
                    renderStats);
        }
    }

    /**
     * Waits until the session is over: its voice ended and every frame was handed to the listener, or it
     * failed, or it was closed.
     *
     * @param timeout how long to wait at most
     * @param unit    its unit
     * @return the session's figures once its voice ended and every frame is out, or {@code null} if the
     *         timeout passed first
     * @throws EmoException what ended the session, when it failed (as {@link Listener#onError} heard it)
     * @throws RenderCancelledException when it was closed before its end
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public LiveStats awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
        if (!done.await(timeout, unit)) {
            return null;
        }
        if (failure != null) {
            throw failure;
        }
        if (renderStatsTaken()) {
            return stats();
        }
        throw new RenderCancelledException("the live session was closed before its voice ended");
    }

    private boolean renderStatsTaken() {
        synchronized (lock) {
            return renderStats != null;
        }
    }

    /**
     * Stops the session at once: within one sampling step, without {@link Listener#onEnd}; the session's
     * threads are gone when this returns. Calling it again does nothing.
     */
    @Override
    public void close() {
        stopping = true;
        if (Thread.currentThread() != worker) {
            worker.interrupt();
            try {
                worker.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (true) {
                Chunk c = queue.poll(10, TimeUnit.MILLISECONDS);
                if (stopping) {
                    return;
                }
                if (pipelineClosing.getAsBoolean()) {
                    throw new RenderCancelledException("the pipeline was closed during the live session");
                }
                if (c == END) {
                    if (renderFps != fps) {
                        synchronized (lock) {
                            // the stream holds the voice's frames at its own rate, as a render at that rate would
                            frameCap = Math.max(1, Math.round(samplesFed / (double) rate * fps));
                        }
                    }
                    RenderStats done = session.finish().stats();
                    holdLastFrame();
                    synchronized (lock) {
                        renderStats = done;
                    }
                    over = true;
                    listener.onEnd(stats());
                    return;
                }
                if (c != null) {
                    buffered.addAndGet(-c.samples().length);
                    push(c.samples(), c.arrivalNanos());
                } else if (options.realTime() && !ended) {
                    fillPause();
                }
                if (options.realTime()) {
                    checkLag();
                }
            }
        } catch (InterruptedException | RenderCancelledException e) {
            if (!stopping) {
                fail(e instanceof RenderCancelledException r ? r
                        : new RenderCancelledException("the live session was interrupted"));
            }
        } catch (EmoException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new EmoException("live session failed: " + e, e));
        } finally {
            over = true;
            // a close() interrupted this thread; the render's helpers are stopped without that interrupt
            Thread.interrupted();
            try {
                if (session != null) {
                    session.close();
                }
            } catch (RuntimeException e) {
                LOG.debug("closing the live session's render failed: {}", e.toString());
            } finally {
                try {
                    onOver.run();
                } finally {
                    done.countDown();
                }
            }
        }
    }

    private void fail(EmoException e) {
        failure = e;
        over = true;
        try {
            listener.onError(e);
        } catch (RuntimeException listenerFault) {
            LOG.warn("a live session's listener failed in onError: {}", listenerFault.toString());
        }
    }

    /** Hands voice to the render, remembering when it arrived and what it was, for the frames that show it. */
    private void push(float[] samples, long arrivalNanos) {
        synchronized (lock) {
            for (int i = 0; i < samples.length; i++) {
                history[(int) ((samplesFed + i) % history.length)] = samples[i];
            }
            samplesFed += samples.length;
            arrivals.add(new long[] {samplesFed, arrivalNanos});
        }
        session.feed(samples, rate, false);
    }

    /** While no voice arrives in real time, silence keeps the stream at the clock's pace. */
    private void fillPause() {
        long now = System.nanoTime();
        long due = (long) ((now - openedNanos) / 1e9 * rate) - samplesFed;
        if (due > IDLE_AFTER_SECONDS * rate) {
            push(new float[(int) Math.min(due, rate)], now);
        }
    }

    /** Seconds the video trails the voice: voice fed (taken by the render or still waiting) minus video out. */
    private double lag() {
        return fps == 0 ? 0 : (samplesFed + buffered.get()) / (double) rate - frames / (double) fps;
    }

    private void checkLag() {
        double lag;
        synchronized (lock) {
            lag = lag();
        }
        double allowed = waitSeconds + clipSeconds + options.maxLagSeconds();
        if (lag <= allowed) {
            return;
        }
        String behind = String.format("the video fell %.2f s behind the voice (at most %.2f s: LiveOptions.maxLagSeconds "
                + "%.2f beyond the clip and audio window every frame waits for)", lag, allowed, options.maxLagSeconds());
        if (options.lagPolicy() == LiveOptions.LagPolicy.STOP) {
            throw new EmoException(behind + "; this pack is too slow for real time here (lag policy STOP)");
        }
        long now = System.nanoTime();
        if (options.lagPolicy() == LiveOptions.LagPolicy.LOWER_FRAME_RATE) {
            int lower = renderFps / 2;
            if (lower >= Math.max(1, fps / 4) && now - lastReduction > clipSeconds * 2e9) {
                lowerFrameRate(lower);
                lastReduction = System.nanoTime();
                LOG.warn("{}; rendering {} frames a second from now on, each held for the stream's {}", behind, lower, fps);
            } else if (lower < Math.max(1, fps / 4) && lag > allowed + options.maxLagSeconds()) {
                throw new EmoException(behind + " at " + renderFps + " rendered frames a second; this pack is too slow "
                        + "for real time here");
            }
            return;
        }
        if (steps > 1 && now - lastReduction > clipSeconds * 2e9) {
            steps = Math.max(1, steps / 2);
            session.steps(steps);
            lastReduction = now;
            LOG.warn("{}; sampling {} steps a clip from now on", behind, steps);
        } else if (steps == 1 && lag > allowed + options.maxLagSeconds()) {
            throw new EmoException(behind + " at 1 sampling step a clip; this pack is too slow for real time here");
        }
    }

    /**
     * Goes on at {@code lower} frames a second: the render hands out every frame of the clips it has made,
     * and a new one at the lower rate starts where the stream stands, fed the voice since then again.
     */
    private void lowerFrameRate(int lower) {
        session.flush();
        EmoEngine.Session old = session;
        session = null;
        old.close();
        long streamFrames;
        float[] backlog;
        synchronized (lock) {
            streamFrames = frames;
            long from = streamFrames * rate / fps;
            if (samplesFed - from > history.length) {
                throw new EmoException(String.format("the video fell %.0f s behind the voice, more than the %.0f s a "
                        + "session keeps; lower LiveOptions.maxLagSeconds", (samplesFed - from) / (double) rate,
                        HISTORY_SECONDS));
            }
            backlog = new float[(int) (samplesFed - from)];
            for (long i = from; i < samplesFed; i++) {
                backlog[(int) (i - from)] = history[(int) (i % history.length)];
            }
            rendered = 0;
        }
        RenderRequest next = request.toBuilder().fps(lower)
                .timeOffset(request.timeOffset() + streamFrames / (double) fps).build();
        session = pack.open(next, this::openSink, renderClosing);
        session.steps(steps);
        clipTimes();
        if (backlog.length > 0) {
            session.feed(backlog, rate, false);
        }
    }

    /**
     * A frame from the render's sink thread, as the stream frames its time covers: one, or at a lowered
     * frame rate each stream frame whose start falls in it (never more than the voice's frames once it ended).
     */
    private void deliver(int[] rgb) {
        long now = System.nanoTime();
        LiveFrame[] out;
        synchronized (lock) {
            long j = rendered++;
            long count = renderFps == fps ? 1
                    : -Math.floorDiv(-(j + 1) * fps, renderFps) + Math.floorDiv(-j * fps, renderFps);
            if (frameCap >= 0) {
                count = Math.max(0, Math.min(count, frameCap - frames));
            }
            if (renderFps != fps) {
                lastRendered = rgb.clone();
            }
            out = new LiveFrame[(int) count];
            for (int i = 0; i < out.length; i++) {
                out[i] = streamFrame(rgb, now);
            }
        }
        for (LiveFrame f : out) {
            listener.onFrame(f);
        }
    }

    /** At a lowered frame rate, the last rendered frame is held until the stream has the voice's frames. */
    private void holdLastFrame() {
        while (true) {
            LiveFrame f;
            synchronized (lock) {
                if (lastRendered == null || frames >= frameCap) {
                    return;
                }
                f = streamFrame(lastRendered, System.nanoTime());
            }
            listener.onFrame(f);
        }
    }

    /** The stream's next frame showing {@code rgb}: numbered, timed, given its voice and its latency. Under the lock. */
    private LiveFrame streamFrame(int[] rgb, long now) {
        long k = frames++;
        long from = k * rate / fps, to = (k + 1) * rate / fps;
        float[] audio = new float[(int) (to - from)];
        for (long i = Math.max(from, samplesFed - history.length); i < Math.min(to, samplesFed); i++) {
            audio[(int) (i - from)] = history[(int) (i % history.length)];
        }
        while (arrivals.size() > 1 && arrivals.peekFirst()[0] < to) {
            arrivals.pollFirst();
        }
        long[] arrival = arrivals.peekFirst();
        long latency = arrival == null ? -1 : now - arrival[1];
        if (latency >= 0) {
            record(latency);
        }
        if (firstFrameNanos < 0 && firstVoiceNanos >= 0) {
            firstFrameNanos = now - firstVoiceNanos;
        }
        return new LiveFrame(k, k * 1_000_000L / fps, width, height, rgb.clone(), audio, latency);
    }

    private void record(long latency) {
        if (latencyCount == latencies.length) {
            if (latencies.length >= MAX_LATENCIES) {
                // keep every other one: the percentiles hold, the memory does not grow
                for (int i = 0; i < latencyCount / 2; i++) {
                    latencies[i] = latencies[2 * i];
                }
                latencyCount /= 2;
            } else {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
        }
        latencies[latencyCount++] = latency;
        latencyMax = Math.max(latencyMax, latency);
    }
}
