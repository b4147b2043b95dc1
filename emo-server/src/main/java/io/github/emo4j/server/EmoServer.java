package io.github.emo4j.server;

import io.github.emo4j.EmoPipeline;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A web page and an HTTP API over one {@link EmoPipeline} (docs/server.md), on an embedded Javalin
 * (Jetty 12) server. Safe by default: it listens on 127.0.0.1 unless told otherwise, needs a bearer
 * token whenever it listens beyond, bounds uploads, queues and stored results, and never turns a
 * client's file name into a path. Closing it cancels its renders and deletes its temporary files.
 *
 * <pre>{@code
 * try (EmoPipeline pipeline = EmoPipeline.builder().build();
 *      EmoServer server = EmoServer.start(pipeline, ServerOptions.defaults())) {
 *     System.out.println("open " + server.uri());
 *     ...
 * }
 * }</pre>
 */
public final class EmoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmoServer.class);

    private final Javalin app;
    private final Renders renders;
    private final LiveSockets live;
    private final Path work;
    private final ServerOptions options;

    private EmoServer(Javalin app, Renders renders, LiveSockets live, Path work, ServerOptions options) {
        this.app = app;
        this.renders = renders;
        this.live = live;
        this.work = work;
        this.options = options;
    }

    /**
     * Starts a server over {@code pipeline}, which stays the caller's to close (after the server).
     *
     * @param pipeline the pipeline renders run on
     * @param options  where to listen and what to accept
     * @return the running server
     * @throws IllegalArgumentException if the server would listen beyond loopback without a token
     * @throws UncheckedIOException if its temporary folder cannot be made
     */
    public static EmoServer start(EmoPipeline pipeline, ServerOptions options) {
        if (options.token() == null && !options.loopback()) {
            throw new IllegalArgumentException("host " + options.host() + " can be reached from other machines: "
                    + "give a token (--token) that every request must carry");
        }
        Path work;
        try {
            Files.createDirectories(options.workRoot());
            work = Files.createTempDirectory(options.workRoot(), "emo-server-");
            Files.createDirectory(work.resolve("multipart"));
        } catch (IOException e) {
            throw new UncheckedIOException(options.workRoot() + ": cannot make the server's temporary folder", e);
        }
        Renders renders = new Renders(pipeline, options, work);
        LiveSockets live = new LiveSockets(pipeline, options, work);
        Api api = new Api(pipeline, renders, live, options, work);
        Javalin app;
        try {
            app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                config.jetty.host = options.host();
                config.jetty.port = options.port();
                config.http.maxRequestSize = options.maxUploadBytes();
                config.jetty.multipartConfig.cacheDirectory(work.resolve("multipart").toString());
                config.jetty.multipartConfig.maxFileSize(options.maxUploadBytes(), SizeUnit.BYTES);
                config.jetty.multipartConfig.maxTotalRequestSize(options.maxUploadBytes(), SizeUnit.BYTES);
                config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
                config.jetty.modifyServer(server -> server.setStopTimeout(2_000));
                config.jetty.modifyWebSocketServletFactory(ws -> {
                    // a portrait is one binary message; voice comes in small ones; a silent socket is dropped
                    ws.setMaxBinaryMessageSize(options.maxUploadBytes());
                    ws.setMaxTextMessageSize(1024);
                    ws.setIdleTimeout(Duration.ofSeconds(30));
                });
                api.routes(config);
            }).start();
        } catch (RuntimeException e) {
            renders.close();
            Renders.deleteTree(work);
            throw e;
        }
        LOG.info("emo server listening on {}:{}", options.host(), app.port());
        return new EmoServer(app, renders, live, work, options);
    }

    /**
     * The port the server listens on (the one it was given, or the free one it took for 0).
     *
     * @return the port
     */
    public int port() {
        return app.port();
    }

    /**
     * The server's address, for a browser.
     *
     * @return {@code http://host:port/}
     */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** The server's temporary folder, for tests. */
    Path work() {
        return work;
    }

    /** Stops listening, cancels every render and deletes the server's temporary files. */
    @Override
    public void close() {
        try {
            live.close();
            app.stop();
        } finally {
            renders.close();
            Renders.deleteTree(work);
        }
    }
}
