package io.github.emo4j.spark;

import io.github.emo4j.CancelToken;
import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.Video;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.Mp4Writer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of a batch: plans a job into work units and renders a unit. Bad input ends in a
 * failed result; a cancelled render (a killed task) and a failing file system end the task, so Spark
 * runs it again.
 */
final class UnitRenderer implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(UnitRenderer.class);

    private final BatchOptions options;
    private final HadoopFiles files;

    UnitRenderer(BatchOptions options, HadoopFiles files) {
        this.options = options;
        this.files = files;
    }

    private EmoPipeline pipeline() {
        return ExecutorPipelines.get(options.pack(), TaskDevice.current(options.gpuKind()), TaskDevice.threads(options.threads()));
    }

    /** A job as units: whole, or its long voice cut at pauses into segments. */
    List<WorkUnit> plan(Job job) {
        if (job.problem() != null || options.segmentSeconds() <= 0) {
            return List.of(WorkUnit.whole(job));
        }
        Path scratch = scratch();
        try {
            EmoPipeline pipeline = pipeline();
            AudioClip voice = EmoPipeline.readAudio(files.local(job.audio(), job.audioBytes(), job.audioName(),
                    HadoopFiles.MAX_AUDIO_BYTES, Files.createDirectories(scratch.resolve("audio"))));
            String fpsOption = RenderOptions.of(options, job).get("fps");
            int fps = fpsOption != null ? Integer.parseInt(fpsOption.trim()) : pipeline.packInfo().fps();
            long total = Math.round(voice.durationSeconds() * fps);
            long maxFrames = Math.round(options.segmentSeconds() * fps);
            if (total <= maxFrames) {
                return List.of(WorkUnit.whole(job));
            }
            if (maxFrames / 2 < options.joinFrames() + 2L * SegmentPlan.MARGIN) {
                return List.of(WorkUnit.whole(new Job(job.id(), null, null, null, null, job.output(), null, Map.of(),
                        options.segmentSeconds() + " s segments at " + fps + " fps are too short for "
                                + options.joinFrames() + " join frames")));
            }
            long[] cuts = SegmentPlan.cuts(voice, fps, total, maxFrames);
            return SegmentPlan.units(job, cuts, fps, options.joinFrames(), workDir(job));
        } catch (EmoException | NumberFormatException e) {
            // the render of the whole job reports it, in the words it uses for every job
            return List.of(WorkUnit.whole(job));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(scratch);
        }
    }

    /** Where a job's segments wait for their join: beside its output, hidden from Hadoop's readers. */
    static String workDir(Job job) {
        String out = job.output();
        int slash = out.lastIndexOf('/');
        String dir = slash < 0 ? "." : out.substring(0, slash);
        return dir + "/_emo_work/" + job.id();
    }

    /** Renders a unit and publishes its video. */
    UnitResult render(WorkUnit unit) {
        Job job = unit.job();
        if (job.problem() != null) {
            return UnitResult.failed(unit, job.problem());
        }
        Path scratch = scratch();
        Path portraitFile = null, audioFile = null;
        try {
            EmoPipeline pipeline = pipeline();
            portraitFile = files.local(job.portrait(), job.portraitBytes(), job.portraitName(),
                    HadoopFiles.MAX_PORTRAIT_BYTES, Files.createDirectories(scratch.resolve("portrait")));
            audioFile = files.local(job.audio(), job.audioBytes(), job.audioName(),
                    HadoopFiles.MAX_AUDIO_BYTES, Files.createDirectories(scratch.resolve("audio")));
            BufferedImage portrait = EmoPipeline.readPortrait(portraitFile);
            AudioClip voice = EmoPipeline.readAudio(audioFile);
            RenderRequest request = RenderOptions.apply(RenderRequest.of(portrait, voice), RenderOptions.of(options, job));
            if (job.seed() != null) {
                request = request.toBuilder().seed(job.seed()).build();
            }
            if (unit.isSegment()) {
                // segments are encoded finely once more before the join encodes the whole at the asked quality
                request = request.toBuilder().audio(SegmentPlan.slice(voice, unit.first(), unit.end(), unit.fps()))
                        .timeOffset(unit.first() / (double) unit.fps())
                        .fps(unit.fps())
                        .encoding(request.encoding().withQp(Mp4Writer.MIN_QP)).build();
            }
            CancelToken cancel = new CancelToken();
            TaskContext tc = TaskContext.get();
            request = request.toBuilder().cancel(cancel).progress(p -> {
                if (tc != null && tc.isInterrupted()) {
                    cancel.cancel();
                }
            }).build();
            Path video = scratch.resolve("video.mp4");
            Video v = pipeline.render(request, video);
            if (unit.isSegment() && v.frameCount() != unit.frames()) {
                throw new IllegalStateException("segment " + unit.segment() + " of " + job.id() + " rendered "
                        + v.frameCount() + " frames, not " + unit.frames());
            }
            files.publish(video, unit.output(), attempt());
            Map<String, Double> stages = new LinkedHashMap<>();
            v.stats().stageNanos().forEach((k, n) -> stages.put(k, n / 1e9));
            return new UnitResult(unit, true, v.frameCount(), v.fps(), v.width(), v.height(), null,
                    v.stats().wallNanos() / 1e9, stages, pipeline.provider().toString());
        } catch (RenderCancelledException e) {
            throw e;
        } catch (EmoException e) {
            String msg = oneLine(e.getMessage());
            msg = named(msg, portraitFile, job.portraitName());
            msg = named(msg, audioFile, job.audioName());
            LOG.debug("job {} failed", job.id(), e);
            return UnitResult.failed(unit, msg);
        } catch (IOException e) {
            throw new UncheckedIOException(job.id() + ": " + e.getMessage(), e);
        } finally {
            deleteTree(scratch);
        }
    }

    /** A name unique to this task attempt, for the hidden copy before a rename. */
    static String attempt() {
        TaskContext tc = TaskContext.get();
        return tc == null ? UUID.randomUUID().toString()
                : "attempt-" + tc.stageId() + "-" + tc.partitionId() + "-" + tc.taskAttemptId();
    }

    static Path scratch() {
        try {
            return Files.createTempDirectory("emo4j-task-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder: " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete scratch folder {}: {}", dir, e.toString());
        }
    }

    /** A message naming the job's input instead of the task's local copy of it. */
    private static String named(String msg, Path local, String name) {
        return local == null || name == null ? msg : msg.replace(local.toString(), name);
    }

    static String oneLine(String s) {
        if (s == null) {
            return "failed";
        }
        String t = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        return t.length() > 500 ? t.substring(0, 497) + "..." : t;
    }
}
