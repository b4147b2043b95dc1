package io.github.emo4j.server;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.NoFaceException;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceBox;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import org.eclipse.jetty.http.HttpException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes: small handlers, and one place ({@link #error}) where every refusal becomes a status and a
 * one-line JSON reason.
 */
final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    private static final String JSON = "application/json";
    /** Clients reading a video or following events at once; beyond, 429. */
    static final int MAX_STREAMS = 32;

    private final EmoPipeline pipeline;
    private final Renders renders;
    private final ServerOptions options;
    private final byte[] tokenDigest;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final Path work;
    /** The pack's name as a JSON string, for the health check. */
    private final String packName;
    /** Whether the pack follows a pose video: the page offers the upload then. */
    private final boolean takesPose;
    private final boolean takesPrompt;

    private final LiveSockets live;

    Api(EmoPipeline pipeline, Renders renders, LiveSockets live, ServerOptions options, Path work) {
        this.live = live;
        this.work = work;
        this.pipeline = pipeline;
        this.packName = JsonText.quote(pipeline.describePack().name());
        this.takesPose = pipeline.packInfo().takesPose();
        this.takesPrompt = pipeline.packInfo().takesPrompt();
        this.renders = renders;
        this.options = options;
        this.tokenDigest = options.token() == null ? null : sha256(options.token());
    }

    void routes(JavalinConfig config) {
        var r = config.routes;
        r.before(this::guard);
        r.wsBeforeUpgrade(this::guard);
        page(r, "/", "index.html", "text/html; charset=utf-8");
        page(r, "/app.js", "app.js", "text/javascript; charset=utf-8");
        page(r, "/style.css", "style.css", "text/css; charset=utf-8");
        page(r, "/capture.js", "capture.js", "text/javascript; charset=utf-8");
        page(r, "/api/openapi.json", "openapi.json", JSON);
        r.get("/api/health", this::health);
        r.post("/api/faces", this::faces);
        r.post("/api/renders", this::create);
        r.get("/api/renders/{id}", ctx -> ctx.contentType(JSON).result(renders.get(ctx.pathParam("id")).json()));
        r.delete("/api/renders/{id}", ctx -> {
            renders.remove(renders.get(ctx.pathParam("id")));
            ctx.status(204);
        });
        r.get("/api/renders/{id}/video", this::video);
        r.sse("/api/renders/{id}/events", this::events);
        r.ws("/api/live", live::configure);
        r.exception(Exception.class, Api::error);
        r.error(404, ctx -> {
            String body = ctx.result();
            if (body == null || !body.startsWith("{")) {
                ctx.contentType(JSON).result(JsonText.error("no such route: " + ctx.method() + " " + Uploads.shorten(ctx.path())));
            }
        });
    }

    /**
     * Before every route: with a token, the request must carry it (a bearer header, or {@code ?token=}
     * where a browser cannot set headers), compared in constant time; and a body larger than the upload
     * limit is refused from its declared length, before it is read.
     */
    private void guard(Context ctx) {
        if (tokenDigest != null) {
            String header = ctx.header("Authorization");
            String given = header != null && header.startsWith("Bearer ") ? header.substring(7) : ctx.queryParam("token");
            // digests of equal length, compared without an early exit: the time says nothing of the token
            if (given == null || !MessageDigest.isEqual(tokenDigest, sha256(given))) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiException(401, "this server needs its token: Authorization: Bearer <token>");
            }
        }
        long length = ctx.req().getContentLengthLong();
        if (length > options.maxUploadBytes()) {
            ctx.header("Connection", "close");
            throw new ApiException(413, "request body of " + length + " bytes; this server takes at most "
                    + options.maxUploadBytes() + " bytes");
        }
    }

    private void health(Context ctx) {
        ctx.contentType(JSON).result(String.format(
                "{\"status\":\"ok\",\"pack\":%s,\"pose\":%b,\"prompt\":%b,\"running\":%d,\"queued\":%d,\"live\":%d}",
                packName, takesPose, takesPrompt, renders.running(), renders.queued(), live.open()));
    }

    private void faces(Context ctx) throws IOException {
        Path tmp = Files.createTempFile(work, "faces-", ".img");
        try {
            Uploads.save(ctx, "portrait", tmp, options.maxUploadBytes());
            BufferedImage portrait = Uploads.portrait(tmp, options.maxImagePixels());
            ctx.contentType(JSON).result(DetectedFace.json(portrait.getWidth(), portrait.getHeight(), pipeline.faces(portrait)));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void create(Context ctx) {
        RenderJob.Options opts = Uploads.options(ctx::formParam, options.maxSteps(), takesPrompt);
        RenderJob job = renders.create(opts);
        try {
            // decoded here to refuse a bad file (or a portrait without a face) at once, and again when the render
            // starts: a queued render keeps only its files, so waiting renders hold no decoded images or voices
            Uploads.save(ctx, "portrait", job.portrait, options.maxUploadBytes());
            Uploads.save(ctx, "audio", job.audio, options.maxUploadBytes());
            BufferedImage portrait = Uploads.portrait(job.portrait, options.maxImagePixels());
            Uploads.voice(job.audio, options.maxAudioSeconds());
            if (ctx.uploadedFile("pose") != null) {
                if (!takesPose) {
                    throw new ApiException(400, "pose: this server's pack takes no pose video (its denoiser has no "
                            + "pose_latents)");
                }
                Uploads.save(ctx, "pose", job.pose, options.maxUploadBytes());
                Uploads.poseVideo(job.pose);
                job.usePose();
            }
            job.face(face(portrait, opts));
            renders.submit(job);
        } catch (RuntimeException e) {
            renders.remove(job);
            throw e;
        }
        ctx.status(202).header("Location", "/api/renders/" + job.id).contentType(JSON)
                .result("{\"id\":" + JsonText.quote(job.id) + "}");
    }

    /** The face a render of {@code portrait} animates: the one asked for, or the one it chooses; 422 when there is none. */
    private FaceBox face(BufferedImage portrait, RenderJob.Options opts) {
        try {
            return pipeline.locateFace(portrait, opts.face());
        } catch (NoFaceException e) {
            throw new ApiException(422, "portrait: no face found; give its position in the field 'face' as x,y,width,height");
        }
    }

    /**
     * The render's video: while it renders, the fragments as they are written (a stream that ends with the
     * render); once done, the whole file, with byte ranges.
     */
    private void video(Context ctx) throws IOException {
        RenderJob job = renders.get(ctx.pathParam("id"));
        RenderJob.State state = job.state();
        if (state == RenderJob.State.FAILED || state == RenderJob.State.CANCELLED) {
            throw new ApiException(410, "render " + state.json() + "; there is no video");
        }
        ctx.contentType("video/mp4");
        if (state == RenderJob.State.DONE) {
            Ranges.serve(ctx, job.video);
            return;
        }
        if (!streams.tryAcquire()) {
            throw new ApiException(429, "too many streams at once; try again later", "5");
        }
        ctx.header("Cache-Control", "no-store");
        InputStream growing = new GrowingVideo(job, streams::release);
        ctx.result(growing);
    }

    private void events(SseClient client) {
        RenderJob job;
        try {
            job = renders.get(client.ctx().pathParam("id"));
        } catch (ApiException e) {
            client.sendEvent("error", JsonText.error(e.getMessage()));
            client.close();
            return;
        }
        if (!streams.tryAcquire()) {
            client.sendEvent("error", JsonText.error("too many streams at once; try again later"));
            client.close();
            return;
        }
        // the render's thread and this one both send; the last event goes out once, then the stream ends
        AtomicBoolean ended = new AtomicBoolean();
        Consumer<RenderJob.Event> send = e -> {
            synchronized (client) {
                if (ended.get()) {
                    return;
                }
                client.sendEvent(e.name(), e.data());
                if (e.name().equals("done") || e.name().equals("error")) {
                    ended.set(true);
                    client.close();
                }
            }
        };
        AtomicBoolean released = new AtomicBoolean();
        client.onClose(() -> {
            job.unlisten(send);
            if (released.compareAndSet(false, true)) {
                streams.release();
            }
        });
        send.accept(new RenderJob.Event("status", job.json()));
        job.listen(send);
        // a render that ended before the listener was in place sends its end here
        if (job.state().over()) {
            send.accept(job.ending());
            return;
        }
        client.keepAlive();
    }

    /** The one place refusals become answers: a status and {@code {"error": reason}}. */
    static void error(Exception e, Context ctx) {
        int status;
        String message;
        if (e instanceof ApiException a) {
            status = a.status();
            message = a.getMessage();
            if (a.retryAfter() != null) {
                ctx.header("Retry-After", a.retryAfter());
            }
        } else if (e instanceof NoFaceException) {
            status = 422;
            message = e.getMessage();
        } else if (e instanceof InvalidInputException) {
            status = 400;
            message = e.getMessage();
        } else if (e instanceof io.javalin.http.HttpResponseException h) {
            status = h.getStatus();
            message = h.getMessage();
        } else if (jettyRefusal(e) != null) {
            // a body Jetty could not parse (a truncated or unterminated multipart, ...), whichever route read it
            HttpException h = jettyRefusal(e);
            status = h.getCode() >= 400 && h.getCode() < 500 ? h.getCode() : 400;
            message = "malformed request body: " + (h.getReason() == null ? "cannot be parsed" : h.getReason());
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            status = 500;
            message = "internal error";
        }
        ctx.status(status).contentType(JSON).result(JsonText.error(message));
    }

    /** Serves the page's file {@code name} at {@code path}, read from the jar once, when the server starts. */
    private static void page(RoutesConfig routes, String path, String name, String type) {
        byte[] body;
        try (InputStream in = Api.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks page/" + name);
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page/" + name + " from the jar", e);
        }
        routes.get(path, ctx -> ctx.contentType(type).result(body));
    }

    /** Jetty's refusal of a request among {@code e}'s causes, or {@code null}. */
    private static HttpException jettyRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException h) {
                return h;
            }
        }
        return null;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
