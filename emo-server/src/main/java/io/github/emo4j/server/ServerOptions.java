package io.github.emo4j.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link EmoServer} listens and what it accepts. The defaults are safe: the server listens on
 * the loopback address only, and bounds every upload, queue and stored result.
 *
 * @param host              the address to listen on; any address other than a loopback one needs a token
 * @param port              the port, or 0 for any free one
 * @param token             the bearer token every request must carry, or {@code null} (loopback only)
 * @param maxUploadBytes    the largest request body, portrait and voice together
 * @param maxAudioSeconds   the longest voice a render takes
 * @param maxImagePixels    the largest portrait, in pixels, refused before it is decoded
 * @param concurrentRenders renders made at once
 * @param queuedRenders     renders that may wait for one of those; beyond them, 429
 * @param storedRenders     renders kept (waiting, running or finished) before new ones are refused
 * @param liveSessions      live sessions ({@code WS /api/live}) at once; beyond, the socket is refused
 * @param resultTtl         how long a finished render's video is kept
 * @param maxSteps          the most sampling steps a request may ask for
 * @param workRoot          the folder under which the server keeps its own temporary folder
 */
public record ServerOptions(String host, int port, String token, long maxUploadBytes, double maxAudioSeconds,
                            long maxImagePixels, int concurrentRenders, int queuedRenders, int storedRenders,
                            int liveSessions, Duration resultTtl, int maxSteps, Path workRoot) {

    /**
     * The defaults: 127.0.0.1:8080, no token, 32 MB uploads, 5 minutes of voice, 16 megapixels, one render
     * at once and four waiting, 32 kept, one live session, results kept an hour, at most 100 steps.
     *
     * @return the defaults
     */
    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", 8080, null, 32L << 20, 300, 16_000_000L, 1, 4, 32, 1,
                Duration.ofHours(1), 100, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * Options, every field checked so that a server never starts half-configured.
     *
     * @param host              the address to listen on
     * @param port              the port, or 0
     * @param token             the bearer token, or {@code null}
     * @param maxUploadBytes    the largest request body
     * @param maxAudioSeconds   the longest voice
     * @param maxImagePixels    the largest portrait
     * @param concurrentRenders renders at once
     * @param queuedRenders     renders waiting
     * @param storedRenders     renders kept
     * @param liveSessions      live sessions at once
     * @param resultTtl         how long a finished render is kept
     * @param maxSteps          the most sampling steps a request may ask for
     * @param workRoot          where the server's temporary folder goes
     * @throws IllegalArgumentException if a field is out of range
     */
    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: give an address to listen on");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535: " + port);
        }
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("token must be at least 16 characters");
        }
        if (maxUploadBytes < 1024 || maxAudioSeconds <= 0 || maxImagePixels < 1 || concurrentRenders < 1
                || queuedRenders < 0 || storedRenders < concurrentRenders + queuedRenders || liveSessions < 0 || maxSteps < 1) {
            throw new IllegalArgumentException("limits must be positive, and storedRenders at least concurrentRenders + queuedRenders");
        }
        if (resultTtl == null || resultTtl.isNegative() || resultTtl.isZero()) {
            throw new IllegalArgumentException("resultTtl must be positive");
        }
        if (workRoot == null) {
            throw new IllegalArgumentException("workRoot: give a folder");
        }
    }

    /**
     * These options listening elsewhere.
     *
     * @param host the address
     * @param port the port, 0 for any free one
     * @return the new options
     */
    public ServerOptions withAddress(String host, int port) {
        return new ServerOptions(host, port, token, maxUploadBytes, maxAudioSeconds, maxImagePixels, concurrentRenders,
                queuedRenders, storedRenders, liveSessions, resultTtl, maxSteps, workRoot);
    }

    /**
     * These options with a token required of every request.
     *
     * @param token the token, at least 16 characters, or {@code null} for none (loopback only)
     * @return the new options
     */
    public ServerOptions withToken(String token) {
        return new ServerOptions(host, port, token, maxUploadBytes, maxAudioSeconds, maxImagePixels, concurrentRenders,
                queuedRenders, storedRenders, liveSessions, resultTtl, maxSteps, workRoot);
    }

    /**
     * These options with other upload limits.
     *
     * @param maxUploadBytes  the largest request body
     * @param maxAudioSeconds the longest voice
     * @param maxImagePixels  the largest portrait
     * @return the new options
     */
    public ServerOptions withUploadLimits(long maxUploadBytes, double maxAudioSeconds, long maxImagePixels) {
        return new ServerOptions(host, port, token, maxUploadBytes, maxAudioSeconds, maxImagePixels, concurrentRenders,
                queuedRenders, storedRenders, liveSessions, resultTtl, maxSteps, workRoot);
    }

    /**
     * These options with other render limits.
     *
     * @param concurrent renders at once
     * @param queued     renders waiting
     * @param stored     renders kept, at least {@code concurrent + queued}
     * @param ttl        how long a finished render is kept
     * @return the new options
     */
    public ServerOptions withRenderLimits(int concurrent, int queued, int stored, Duration ttl) {
        return new ServerOptions(host, port, token, maxUploadBytes, maxAudioSeconds, maxImagePixels, concurrent,
                queued, stored, liveSessions, ttl, maxSteps, workRoot);
    }

    /**
     * These options with another number of live sessions at once.
     *
     * @param sessions live sessions at once; 0 turns live mode off
     * @return the new options
     */
    public ServerOptions withLiveSessions(int sessions) {
        return new ServerOptions(host, port, token, maxUploadBytes, maxAudioSeconds, maxImagePixels, concurrentRenders,
                queuedRenders, storedRenders, sessions, resultTtl, maxSteps, workRoot);
    }

    /**
     * These options keeping their temporary folder elsewhere.
     *
     * @param workRoot the folder under which the server makes its own
     * @return the new options
     */
    public ServerOptions withWorkRoot(Path workRoot) {
        return new ServerOptions(host, port, token, maxUploadBytes, maxAudioSeconds, maxImagePixels, concurrentRenders,
                queuedRenders, storedRenders, liveSessions, resultTtl, maxSteps, workRoot);
    }

    /** Whether {@link #host} is a loopback address, reachable from this machine only. */
    boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host " + host + ": unknown address", e);
        }
    }
}
