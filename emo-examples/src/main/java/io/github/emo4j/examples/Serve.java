package io.github.emo4j.examples;

import io.github.emo4j.CancelToken;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.server.EmoServer;
import io.github.emo4j.server.ServerOptions;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code emo serve}: the web page and the HTTP API (docs/server.md) until the process is stopped. It
 * listens on 127.0.0.1 unless {@code --host} says otherwise, and then only with {@code --token}.
 */
final class Serve {
    private Serve() {
    }

    static void run(Args a, PrintStream err, CancelToken cancel) throws InterruptedException {
        ServerOptions options = ServerOptions.defaults();
        try {
            options = options.withAddress(a.value("host", options.host()), a.intValue("port", options.port(), 0, 65535));
            if (a.has("token")) {
                options = options.withToken(a.value("token", ""));
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        EmoPipeline.Builder b = EmoPipeline.builder().threads(a.intValue("threads", 0, 1, 256)).faceDetector(Faces.detector(a));
        if (a.has("pack")) {
            b.pack(Path.of(a.value("pack", "")));
        }
        try (EmoPipeline pipeline = b.build(); EmoServer server = start(pipeline, options)) {
            err.println("emo: serving " + server.uri() + (options.token() == null ? "" : " (every request needs the token)")
                    + "; stop with Ctrl-C");
            while (cancel == null || !cancel.isCancelled()) {
                Thread.sleep(200);
            }
        }
    }

    private static EmoServer start(EmoPipeline pipeline, ServerOptions options) {
        try {
            return EmoServer.start(pipeline, options);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new InvalidInputException(options.host() + ":" + options.port() + ": cannot listen: " + e.getMessage(), e);
        }
    }
}
