package io.github.emo4j.server;

import io.github.emo4j.EmoPipeline;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * {@code WS /api/live}: a bounded number of live sockets at once ({@link ServerOptions#liveSessions()}),
 * each a {@link LiveConnection}. The socket's options come in its query, checked when it opens: a bad one,
 * or a full house, is an {@code error} text and a close, which a browser can read (it cannot read the
 * status of a refused upgrade).
 */
final class LiveSockets implements AutoCloseable {
    /** Close code for "try again later" (RFC 6455 registry). */
    private static final int TRY_LATER = 1013;

    private final EmoPipeline pipeline;
    private final ServerOptions options;
    private final Path work;
    private final Semaphore slots;
    private final Map<String, LiveConnection> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LiveSockets(EmoPipeline pipeline, ServerOptions options, Path work) {
        this.pipeline = pipeline;
        this.options = options;
        this.work = work;
        this.slots = new Semaphore(options.liveSessions());
    }

    void configure(WsConfig ws) {
        ws.onConnect(this::connect);
        ws.onBinaryMessage(ctx -> on(ctx, c -> c.binary(ctx.data())));
        ws.onMessage(ctx -> on(ctx, c -> c.text(ctx.message())));
        ws.onClose(ctx -> gone(ctx));
        ws.onError(ctx -> gone(ctx));
    }

    /** Live sockets open now. */
    int open() {
        return open.size();
    }

    private void connect(WsConnectContext ctx) {
        LiveConnection.Options opts;
        try {
            opts = new LiveConnection.Options(Uploads.intField(ctx::queryParam, "sampleRate", 48_000, 8_000, 192_000),
                    Uploads.intField(ctx::queryParam, "clipFrames", 0, 0, 64),
                    Uploads.intField(ctx::queryParam, "firstClipFrames", 0, 0, 64), Uploads.options(ctx::queryParam, options.maxSteps(),
                    pipeline.packInfo().takesPrompt()));
        } catch (ApiException e) {
            refuse(ctx, LiveConnection.POLICY, e.getMessage());
            return;
        }
        if (closed || !slots.tryAcquire()) {
            refuse(ctx, TRY_LATER, options.liveSessions() == 0 ? "live mode is off on this server"
                    : "too many live sessions at once (" + options.liveSessions() + "); try again later");
            return;
        }
        String id = ctx.sessionId();
        LiveConnection c = new LiveConnection(ctx.session, pipeline, options, work, opts, () -> {
            open.remove(id);
            slots.release();
        });
        open.put(id, c);
        ctx.send("{\"type\":\"ready\"}");
    }

    private void on(WsContext ctx, java.util.function.Consumer<LiveConnection> action) {
        LiveConnection c = open.get(ctx.sessionId());
        if (c != null) {
            action.accept(c);
        }
    }

    private void gone(WsContext ctx) {
        LiveConnection c = open.get(ctx.sessionId());
        if (c != null) {
            c.release();
        }
    }

    private static void refuse(WsContext ctx, int code, String message) {
        ctx.send(JsonText.liveError(message));
        ctx.closeSession(code, message.length() > 100 ? message.substring(0, 100) : message);
    }

    /** Ends every live socket: the server is stopping. */
    @Override
    public void close() {
        closed = true;
        for (LiveConnection c : List.copyOf(open.values())) {
            c.refuse(LiveConnection.FAILED, "the server is stopping");
        }
    }
}
