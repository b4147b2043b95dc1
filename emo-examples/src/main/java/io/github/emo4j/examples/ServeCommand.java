package io.github.emo4j.examples;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.server.EmoServer;
import io.github.emo4j.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emo serve}: the web page and the HTTP API (docs/server.md) until the process is stopped. It
 * listens on 127.0.0.1 unless {@code --host} says otherwise, and then only with {@code --token}.
 */
@Command(name = "serve", sortOptions = false,
        description = "A web page and an HTTP API (docs/server.md) until stopped; beyond loopback only with a token.")
final class ServeCommand extends EmoCommand {
    @Option(names = "--port", paramLabel = "N", description = "the port, 0 for any free one (default 8080)")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "the address to listen on (default 127.0.0.1)")
    String host;

    @Option(names = "--token", paramLabel = "T",
            description = "a bearer token of at least 16 characters that every request must carry; needed beyond loopback")
    String token;

    @Mixin
    PipelineOptions pipeline;

    ServeCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws InterruptedException {
        ServerOptions options = ServerOptions.defaults();
        try {
            options = options.withAddress(host == null ? options.host() : host,
                    Numbers.within("--port", port, options.port(), 0, 65535));
            if (token != null) {
                options = options.withToken(token);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        try (EmoPipeline emo = pipeline.builder(console.err()).build(); EmoServer server = start(emo, options)) {
            console.err().println("emo: serving " + server.uri() + (options.token() == null ? "" : " (every request needs the token)")
                    + "; stop with Ctrl-C");
            while (!console.cancel().isCancelled()) {
                Thread.sleep(200);
            }
        }
        return 0;
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
