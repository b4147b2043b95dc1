package io.github.emo4j.onnx;

import io.github.emo4j.GraphOptimization;
import java.nio.file.Path;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param threads      intra-op threads per session, 0 for ONNX Runtime's default (all cores)
 * @param optimization graph optimisation level
 * @param cacheDir     where optimised models are kept between runs, or {@code null} for no cache: the
 *                     first load writes each component's optimised graph there, later loads read it
 *                     back without optimising again (worth it for large learned packs)
 * @param lowMemory    whether networks needed only at the start of a render (audio and image
 *                     encoders, vocal separator, face locator, and the ReferenceNet when it runs once)
 *                     give their memory back between renders: their sessions close after use and open
 *                     again for the next render, which costs that render their loading time (a cache
 *                     folder shortens it). For GPUs with little memory.
 */
public record SessionSettings(int threads, GraphOptimization optimization, Path cacheDir, boolean lowMemory) {

    /** ONNX Runtime's graph optimisation levels. */

    public static final SessionSettings DEFAULT = new SessionSettings(0, GraphOptimization.ALL, null, false);

    /** Settings that keep every network loaded. */
    public SessionSettings(int threads, GraphOptimization optimization, Path cacheDir) {
        this(threads, optimization, cacheDir, false);
    }

    public SessionSettings {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative: " + threads);
        }
        if (optimization == null) {
            optimization = GraphOptimization.ALL;
        }
    }

    public SessionSettings withThreads(int t) {
        return new SessionSettings(t, optimization, cacheDir, lowMemory);
    }

    public SessionSettings withOptimization(GraphOptimization o) {
        return new SessionSettings(threads, o, cacheDir, lowMemory);
    }

    public SessionSettings withCacheDir(Path d) {
        return new SessionSettings(threads, optimization, d, lowMemory);
    }

    public SessionSettings withLowMemory(boolean on) {
        return new SessionSettings(threads, optimization, cacheDir, on);
    }
}
