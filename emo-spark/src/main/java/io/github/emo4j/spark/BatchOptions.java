package io.github.emo4j.spark;

import io.github.emo4j.ExecutionProvider;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * How a batch renders: which pack, on which devices, split how, and the render options every job starts
 * from (a job's own {@code options} column overrides them).
 *
 * @param outDir         folder (any Hadoop file system URI or a local path) for jobs that name no output:
 *                       {@code outDir/<id>.mp4}
 * @param pack           folder of a model pack on every executor, or {@code null} for the built-in
 *                       procedural pack
 * @param gpuKind        the provider a task uses on the GPU Spark assigned it ({@code CUDA},
 *                       {@code TENSORRT}, {@code ROCM}, ...); tasks without a GPU run on the CPU
 * @param threads        ONNX Runtime threads per task, or 0 for {@code spark.task.cpus}
 * @param segmentSeconds longest segment a voice is rendered in, cut at pauses; 0 renders every voice whole
 * @param joinFrames     frames two neighbouring segments share and cross-fade (even, 2 to 48)
 * @param render         render options for every job: {@code steps}, {@code guidance}, {@code fps},
 *                       {@code quality}, {@code motion}, {@code scheduler}, {@code seed}
 * @serial exclude
 */
public record BatchOptions(String outDir, String pack, ExecutionProvider.Kind gpuKind, int threads,
                           double segmentSeconds, int joinFrames, Map<String, String> render) implements Serializable {

    /** Frames two segments share by default: 0.32 s at 25 fps. */
    public static final int DEFAULT_JOIN_FRAMES = 8;

    /**
     * Checks the options.
     *
     * @param outDir         folder for jobs that name no output, or {@code null} if every job names one
     * @param pack           model pack folder, or {@code null} for the built-in pack
     * @param gpuKind        provider on an assigned GPU; {@code null} for CUDA
     * @param threads        ONNX Runtime threads per task, 0 for {@code spark.task.cpus}
     * @param segmentSeconds longest segment, or 0 for whole voices
     * @param joinFrames     frames shared at a join
     * @param render         render options for every job; {@code null} for none
     * @throws IllegalArgumentException if a value is out of range or a render option is unknown
     */
    public BatchOptions {
        gpuKind = gpuKind == null ? ExecutionProvider.Kind.CUDA : gpuKind;
        render = render == null ? Map.of() : Map.copyOf(render);
        if (threads < 0 || threads > 256) {
            throw new IllegalArgumentException("threads per task must be between 0 and 256: " + threads);
        }
        if (!(segmentSeconds == 0 || (segmentSeconds >= 2 && segmentSeconds <= 3600))) {
            throw new IllegalArgumentException("segment seconds must be 0 (whole voices) or between 2 and 3600: " + segmentSeconds);
        }
        if (joinFrames < 2 || joinFrames > 48 || joinFrames % 2 != 0) {
            throw new IllegalArgumentException("join frames must be even, 2 to 48: " + joinFrames);
        }
        RenderOptions.check(render);
    }

    /**
     * Defaults: the built-in pack, CUDA on assigned GPUs, {@code spark.task.cpus} threads, whole voices.
     *
     * @param outDir folder for jobs that name no output
     * @return the options
     */
    public static BatchOptions into(String outDir) {
        return new BatchOptions(Objects.requireNonNull(outDir, "outDir"), null, null, 0, 0, DEFAULT_JOIN_FRAMES, null);
    }

    /**
     * These options with a model pack.
     *
     * @param folder the pack's folder on every executor
     * @return the changed copy
     */
    public BatchOptions withPack(String folder) {
        return new BatchOptions(outDir, folder, gpuKind, threads, segmentSeconds, joinFrames, render);
    }

    /**
     * These options with a number of ONNX Runtime threads per task.
     *
     * @param n threads, 0 for {@code spark.task.cpus}
     * @return the changed copy
     */
    public BatchOptions withThreads(int n) {
        return new BatchOptions(outDir, pack, gpuKind, n, segmentSeconds, joinFrames, render);
    }

    /**
     * These options with long voices rendered as segments of at most {@code seconds}, in parallel.
     *
     * @param seconds longest segment, or 0 for whole voices
     * @return the changed copy
     */
    public BatchOptions withSegmentSeconds(double seconds) {
        return new BatchOptions(outDir, pack, gpuKind, threads, seconds, joinFrames, render);
    }

    /**
     * These options with another cross-fade length at segment joins.
     *
     * @param frames frames two segments share, even
     * @return the changed copy
     */
    public BatchOptions withJoinFrames(int frames) {
        return new BatchOptions(outDir, pack, gpuKind, threads, segmentSeconds, frames, render);
    }

    /**
     * These options with render options for every job.
     *
     * @param options e.g. {@code steps=8}, {@code quality=20}
     * @return the changed copy
     */
    public BatchOptions withRender(Map<String, String> options) {
        return new BatchOptions(outDir, pack, gpuKind, threads, segmentSeconds, joinFrames, options);
    }

    /**
     * These options with another provider for assigned GPUs.
     *
     * @param kind e.g. {@code TENSORRT}
     * @return the changed copy
     */
    public BatchOptions withGpuKind(ExecutionProvider.Kind kind) {
        return new BatchOptions(outDir, pack, kind, threads, segmentSeconds, joinFrames, render);
    }
}
