package io.github.emo4j.spark;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.ExecutionProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines of this JVM (a Spark executor, or the driver in local mode): one per pack, device and
 * thread count, loaded by the first task that needs it and shared by every later task and partition, since
 * a pipeline renders concurrent requests safely. Closed when the executor's JVM ends, or by
 * {@link #closeAll()}.
 */
public final class ExecutorPipelines {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorPipelines.class);

    private record Key(String pack, ExecutionProvider provider, int threads) {
    }

    private static final Map<Key, EmoPipeline> PIPELINES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPipelines::closeAll, "emo4j-close-pipelines"));
    }

    private ExecutorPipelines() {
    }

    /** The pipeline for {@code pack} on {@code provider} (the CPU as its fallback), loading it on first use. */
    static EmoPipeline get(String pack, ExecutionProvider provider, int threads) {
        return PIPELINES.computeIfAbsent(new Key(pack, provider, threads), k -> {
            EmoPipeline.Builder b = EmoPipeline.builder().threads(threads);
            if (pack != null) {
                b.pack(Path.of(pack));
            }
            b.provider(provider.kind() == ExecutionProvider.Kind.CPU
                    ? new ExecutionProvider[]{ExecutionProvider.CPU} : new ExecutionProvider[]{provider, ExecutionProvider.CPU});
            EmoPipeline p = b.build();
            LOG.info("loaded {} on {} with {} thread(s)", p.packInfo().name(), p.provider(), threads);
            return p;
        });
    }

    /** How many pipelines this JVM holds. */
    static int size() {
        return PIPELINES.size();
    }

    /**
     * Closes every pipeline of this JVM, freeing their native memory. Later tasks load them again. For
     * local mode, where the driver is the executor; on a cluster the executors do it when they end.
     */
    public static void closeAll() {
        List<EmoPipeline> open = new ArrayList<>(PIPELINES.values());
        PIPELINES.clear();
        for (EmoPipeline p : open) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a pipeline failed: {}", e.toString());
            }
        }
    }
}
