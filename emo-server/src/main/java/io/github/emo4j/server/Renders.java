package io.github.emo4j.server;

import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's renders: a bounded queue in front of a fixed number of render threads, the jobs by id,
 * and their files, a folder each in the server's own. Finished renders expire after the TTL; closing
 * cancels every render and deletes their folders.
 */
final class Renders implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Renders.class);
    private static final SecureRandom IDS = new SecureRandom();

    private final EmoPipeline pipeline;
    private final ServerOptions options;
    private final Path work;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService sweeper;
    private final Map<String, RenderJob> jobs = new ConcurrentHashMap<>();

    Renders(EmoPipeline pipeline, ServerOptions options, Path work) {
        this.pipeline = pipeline;
        this.options = options;
        this.work = work;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(options.concurrentRenders(), options.concurrentRenders(), 0, TimeUnit.SECONDS,
                options.queuedRenders() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(options.queuedRenders()), r -> {
                    Thread t = new Thread(r, "emo-server-render-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emo-server-expiry");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(60, options.resultTtl().toSeconds() / 4));
        sweeper.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.SECONDS);
    }

    /** A new job's folder and id, before its uploads are saved into it; refused with 429 when the server holds too many. */
    RenderJob create(RenderJob.Options opts) {
        expire();
        if (jobs.size() >= options.storedRenders()) {
            throw new ApiException(429, "the server holds " + jobs.size() + " renders; delete finished ones or wait for them to expire", "30");
        }
        byte[] b = new byte[12];
        IDS.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        try {
            Path dir = Files.createDirectory(work.resolve(id));
            RenderJob job = new RenderJob(id, dir, opts);
            jobs.put(id, job);
            return job;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for a render", e);
        }
    }

    /** Queues {@code job}, whose inputs are saved and checked; 429 when the queue is full. */
    void submit(RenderJob job) {
        try {
            executor.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            remove(job);
            throw new ApiException(429, "busy: " + options.concurrentRenders() + " render(s) running and "
                    + options.queuedRenders() + " waiting; try again later", "10");
        }
    }

    /** The job {@code id}, or 404. */
    RenderJob get(String id) {
        RenderJob job = id == null ? null : jobs.get(id);
        if (job == null) {
            throw new ApiException(404, "no render " + (id == null ? "" : id.length() > 40 ? id.substring(0, 40) + "…" : id));
        }
        return job;
    }

    /** Cancels {@code job} and deletes its files. */
    void remove(RenderJob job) {
        job.removed = true;
        job.cancel.cancel();
        job.cancelled();
        jobs.remove(job.id);
        deleteTree(job.dir);
    }

    int running() {
        return executor.getActiveCount();
    }

    int queued() {
        return executor.getQueue().size();
    }

    private void run(RenderJob job) {
        if (!job.start()) {
            return;
        }
        try {
            BufferedImage portrait = EmoPipeline.readPortraitWithin(job.portrait, options.maxImagePixels());
            AudioClip voice = EmoPipeline.readAudio(job.audio);
            RenderRequest request = RenderRequest.builder(portrait, voice).face(job.face()).pose(job.hasPose() ? job.pose : null)
                    .steps(job.options.steps()).seed(job.options.seed()).cancel(job.cancel)
                    .prompt(job.options.prompt()).negativePrompt(job.options.negativePrompt())
                    .progress(p -> job.progress(p.fraction(), p.etaSeconds())).build();
            StreamedVideo[] sink = new StreamedVideo[1];
            pipeline.render(request, (w, h, fps) -> sink[0] = new StreamedVideo(job, voice, w, h, fps, job.options.qp()));
            job.done(sink[0].frames());
        } catch (RenderCancelledException e) {
            job.cancelled();
        } catch (EmoException e) {
            job.fail(Uploads.named(e.getMessage(), job));
        } catch (RuntimeException | Error e) {
            LOG.error("render {} failed", job.id, e);
            job.fail("internal error: " + e.getClass().getSimpleName());
        } finally {
            if (job.removed) {
                // deleted while it ran: the files it wrote after the deletion go now
                deleteTree(job.dir);
            }
        }
    }

    /** Removes renders that ended longer ago than the TTL. */
    private void expire() {
        long now = System.nanoTime(), ttl = options.resultTtl().toNanos();
        for (RenderJob job : jobs.values()) {
            if (job.expired(now, ttl)) {
                jobs.remove(job.id);
                deleteTree(job.dir);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        executor.shutdownNow();
        for (RenderJob job : jobs.values()) {
            job.cancel.cancel();
        }
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RenderJob job : jobs.values()) {
            job.cancelled();
            deleteTree(job.dir);
        }
        jobs.clear();
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
