package io.github.emo4j.server;

import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveMp4;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.NoFaceException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.FaceBox;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket of {@code WS /api/live} (docs/server.md): a portrait, then a voice arriving as it is spoken,
 * and back the portrait speaking it, as the fragmented MP4 of a {@link LiveSession}.
 *
 * <p>The client sends the portrait (an image file) as its first binary message, then the voice as binary
 * messages of 16-bit little-endian mono PCM at the query's {@code sampleRate}, and the text {@code end}
 * when the voice is over. The server answers {@code started}, then the stream's pieces as binary messages
 * with a {@code stats} text after each, and {@code end} once every frame is out; any refusal or failure is
 * an {@code error} text, then the close.
 */
final class LiveConnection implements LiveSession.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(LiveConnection.class);
    /** Stream bytes handed to the socket and not yet sent: a client that reads slower than this is dropped. */
    static final long MAX_UNSENT_BYTES = 8L << 20;
    /** Voice a client may send ahead of the clock (network bursts, a paused tab catching up) before it is a flood. */
    static final double MAX_AHEAD_SECONDS = 3.0;
    /** Close codes (RFC 6455): normal, policy violation, unsupported data, internal error. */
    static final int NORMAL = 1000;
    static final int POLICY = 1008;
    static final int UNSUPPORTED = 1003;
    static final int FAILED = 1011;

    /**
     * The socket's query: the voice's rate, frames per clip (0 for the pack's; fewer frames, sooner
     * frames: docs/live.md), frames of the first clip (0 for the same) and the render's options.
     */
    record Options(int sampleRate, int clipFrames, int firstClipFrames, RenderJob.Options render) {
    }

    private enum Phase { PORTRAIT, LIVE, ENDING, OVER }

    private final Session socket;
    private final EmoPipeline pipeline;
    private final ServerOptions limits;
    private final Path work;
    private final Options options;
    private final Runnable onOver;
    private final AtomicLong unsent = new AtomicLong();
    private final long maxUnsent;
    private final AtomicBoolean released = new AtomicBoolean();
    private final Object sending = new Object();
    private volatile Phase phase = Phase.PORTRAIT;
    private volatile LiveSession session;
    private volatile LiveMp4 mp4;
    private volatile long lastLatencyNanos = -1;
    private long voiceSamples;
    private long firstVoiceNanos = -1;
    private long startedNanos;
    /** Voice not yet fed: messages are gathered to 10 ms, so a flood of tiny ones is not a flood of chunks. */
    private float[] gathered;
    private int gatheredCount;

    LiveConnection(Session socket, EmoPipeline pipeline, ServerOptions limits, Path work, Options options, Runnable onOver) {
        this(socket, pipeline, limits, work, options, onOver, MAX_UNSENT_BYTES);
    }

    /** A connection that drops its client once {@code maxUnsent} stream bytes wait to be sent (tests use a small one). */
    LiveConnection(Session socket, EmoPipeline pipeline, ServerOptions limits, Path work, Options options, Runnable onOver,
                   long maxUnsent) {
        this.maxUnsent = maxUnsent;
        this.socket = socket;
        this.pipeline = pipeline;
        this.limits = limits;
        this.work = work;
        this.options = options;
        this.onOver = onOver;
    }

    /** A binary message: the portrait first, then voice. */
    void binary(ByteBuffer data) {
        try {
            switch (phase) {
                case PORTRAIT -> start(data);
                case LIVE -> voice(data);
                case ENDING -> refuse(POLICY, "voice after 'end'; the voice is over");
                case OVER -> {
                }
            }
        } catch (ApiException | InvalidInputException e) {
            refuse(e instanceof ApiException a && a.status() == 415 ? UNSUPPORTED : POLICY, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("live socket failed", e);
            refuse(FAILED, "internal error");
        }
    }

    /** A text message: {@code end}, the only one there is. */
    void text(String message) {
        if (!"end".equals(message.trim())) {
            refuse(POLICY, "unknown message '" + Uploads.shorten(message.trim()) + "'; the only text message is 'end'");
        } else if (phase == Phase.PORTRAIT) {
            refuse(POLICY, "'end' before the portrait; send the portrait as the first binary message");
        } else if (phase == Phase.LIVE) {
            phase = Phase.ENDING;
            try {
                feedGathered();
                session.end();
            } catch (InvalidInputException e) {
                refuse(POLICY, e.getMessage());
            }
        }
    }

    /** The portrait, checked as an upload is; then the face, the session and the stream. */
    private void start(ByteBuffer data) {
        BufferedImage portrait = portrait(data);
        FaceBox face;
        try {
            face = pipeline.locateFace(portrait, options.render().face());
        } catch (NoFaceException e) {
            throw new ApiException(422, "portrait: no face found; give its position in the query parameter 'face' as x,y,width,height");
        }
        RenderJob.Options r = options.render();
        RenderRequest request = RenderRequest.live(portrait).steps(r.steps()).seed(r.seed()).face(face)
                .prompt(r.prompt()).negativePrompt(r.negativePrompt())
                .clipFrames(options.clipFrames()).firstClipFrames(options.firstClipFrames()).build();
        int fps = pipeline.packInfo().fps();
        int clip = options.clipFrames() > 0 ? options.clipFrames() : pipeline.packInfo().clipFrames();
        int first = options.firstClipFrames() > 0 ? options.firstClipFrames() : clip;
        mp4 = LiveMp4.forSession(request, pipeline.packInfo(), options.sampleRate(), r.qp(), this::piece);
        gathered = new float[Math.max(1, options.sampleRate() / 100)];
        startedNanos = System.nanoTime();
        phase = Phase.LIVE;
        session = pipeline.live(request, LiveOptions.DEFAULT.withSampleRate(options.sampleRate()), this);
        send(String.format(Locale.ROOT, "{\"type\":\"started\",\"fps\":%d,\"clipFrames\":%d,\"firstClipFrames\":%d,\"sampleRate\":%d,"
                + "\"face\":[%d,%d,%d,%d]}", fps, clip, first, options.sampleRate(), face.x(), face.y(), face.width(), face.height()));
    }

    private BufferedImage portrait(ByteBuffer data) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(work, "live-", ".img");
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            Files.write(tmp, bytes);
            return Uploads.portrait(tmp, limits.maxImagePixels());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the live portrait", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", tmp, e.toString());
                }
            }
        }
    }

    /** Voice: 16-bit little-endian mono samples, fed as they are; a session past the voice limit ends. */
    private void voice(ByteBuffer data) {
        if ((data.remaining() & 1) != 0) {
            throw new InvalidInputException("voice message of " + data.remaining() + " bytes; voice is 16-bit PCM, "
                    + "an even number of bytes");
        }
        ByteBuffer le = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = le.remaining() / 2;
        long now = System.nanoTime();
        if (firstVoiceNanos < 0) {
            firstVoiceNanos = now;
        }
        voiceSamples += n;
        // a live socket takes voice as it is spoken: a client far ahead of the clock is flooding it
        double ahead = voiceSamples / (double) options.sampleRate() - (now - firstVoiceNanos) / 1e9;
        if (ahead > MAX_AHEAD_SECONDS) {
            throw new InvalidInputException(String.format(Locale.ROOT, "voice arrives faster than real time: %.1f s ahead of "
                    + "the clock; a live socket takes voice as it is spoken", ahead));
        }
        if (voiceSamples > limits.maxAudioSeconds() * options.sampleRate()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "voice over the limit: this server takes at most %.0f s of voice a session", limits.maxAudioSeconds()));
        }
        if (gatheredCount == 0 && n >= gathered.length) {
            float[] samples = new float[n];
            for (int i = 0; i < n; i++) {
                samples[i] = le.getShort(2 * i) / 32768f;
            }
            session.feed(samples, options.sampleRate());
            return;
        }
        for (int i = 0; i < n; i++) {
            gathered[gatheredCount++] = le.getShort(2 * i) / 32768f;
            if (gatheredCount == gathered.length) {
                feedGathered();
            }
        }
    }

    private void feedGathered() {
        if (gatheredCount > 0) {
            float[] samples = Arrays.copyOf(gathered, gatheredCount);
            gatheredCount = 0;
            session.feed(samples, options.sampleRate());
        }
    }

    @Override
    public void onFrame(LiveFrame frame) {
        lastLatencyNanos = frame.latencyNanos();
        mp4.onFrame(frame);
    }

    @Override
    public void onEnd(LiveStats stats) {
        try {
            mp4.finish();
        } catch (IOException | RuntimeException e) {
            refuse(FAILED, "the stream could not be sent: " + e.getMessage());
            return;
        }
        phase = Phase.OVER;
        send("{\"type\":\"end\"," + statsJson(stats) + "}");
        close(NORMAL, "the voice is over");
    }

    @Override
    public void onError(EmoException error) {
        refuse(FAILED, error.getMessage());
    }

    /** A piece of the stream, from the encoding thread; its figures follow it; a session past its time ends. */
    private void piece(byte[] bytes, long frames) {
        send(ByteBuffer.wrap(bytes));
        LiveSession s = session;
        if (s != null) {
            send("{\"type\":\"stats\"," + statsJson(s.stats()) + "}");
            // a session fills silence while no voice comes: a socket that stays open is bounded in time too
            if (phase == Phase.LIVE && System.nanoTime() - startedNanos > limits.maxAudioSeconds() * 1e9) {
                phase = Phase.ENDING;
                send(String.format(Locale.ROOT, "{\"type\":\"notice\",\"message\":\"this server's live sessions last at most %.0f s; the voice was ended\"}",
                        limits.maxAudioSeconds()));
                s.end();
            }
        }
    }

    private String statsJson(LiveStats s) {
        return String.format(Locale.ROOT, "\"frames\":%d,\"latencyMs\":%.1f,\"p50Ms\":%.1f,\"p99Ms\":%.1f,\"firstFrameMs\":%.1f,"
                        + "\"lagSeconds\":%.3f,\"steps\":%d,\"renderFps\":%d,\"bufferedSeconds\":%.3f",
                s.frames(), millis(lastLatencyNanos), millis(s.latencyP50Nanos()), millis(s.latencyP99Nanos()),
                millis(s.firstFrameNanos()), s.lagSeconds(), s.steps(), s.renderFps(), s.bufferedSeconds());
    }

    private static double millis(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }

    /** Says why in an {@code error} text, then closes with {@code code}; once. */
    void refuse(int code, String message) {
        if (phase == Phase.OVER) {
            return;
        }
        phase = Phase.OVER;
        send(JsonText.liveError(message));
        // a client still sending (a flood, say) could have its connection reset by a close now, before it reads
        // why: the session ends at once, what arrives meanwhile is dropped (the phase is over), and the socket
        // closes a moment later
        release();
        CLOSE_LATER.execute(() -> close(code, message));
    }

    /** How long a refused client has to read why before its socket closes. */
    static final long REFUSAL_GRACE_MILLIS = 500;
    private static final Executor CLOSE_LATER = CompletableFuture.delayedExecutor(REFUSAL_GRACE_MILLIS, TimeUnit.MILLISECONDS);

    private void close(int code, String reason) {
        // a close reason is at most 123 bytes
        String shortReason = reason.length() > 100 ? reason.substring(0, 100) : reason;
        socket.close(code, shortReason, Callback.NOOP);
        release();
    }

    /** Ends the session and the stream and frees the slot: after the close, however it came. Once. */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        phase = Phase.OVER;
        try {
            // the stream first: a session's frame waiting for room in the stream's queue is let go
            LiveMp4 m = mp4;
            if (m != null) {
                m.close();
            }
        } finally {
            try {
                LiveSession s = session;
                if (s != null) {
                    s.close();
                }
            } finally {
                onOver.run();
            }
        }
    }

    private void send(String text) {
        synchronized (sending) {
            if (socket.isOpen()) {
                socket.sendText(text, Callback.NOOP);
            }
        }
    }

    /** Sends stream bytes, counting those not yet gone: a client that falls too far behind is dropped. */
    private void send(ByteBuffer bytes) {
        int size = bytes.remaining();
        if (unsent.addAndGet(size) > maxUnsent) {
            refuse(POLICY, String.format(Locale.ROOT, "this client reads the stream too slowly: more than %.1f MB unsent",
                    maxUnsent / 1048576.0));
            return;
        }
        synchronized (sending) {
            if (socket.isOpen()) {
                socket.sendBinary(bytes, Callback.from(() -> unsent.addAndGet(-size), t -> unsent.addAndGet(-size)));
            }
        }
    }
}
