package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.Progress;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderStats;
import io.github.emo4j.onnx.TensorPool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What every stage of one render shares: its specification, the tensor views to close at the end, the time
 * inside ONNX Runtime, the time per stage, cancellation and progress. Closing it releases the views and gives its buffers back.
 */
final class RenderContext implements AutoCloseable {
    /** Work of a stage, which may fail inside ONNX Runtime. */
    interface Work<T> {
        T run() throws OrtException;
    }

    final RenderSpec spec;
    /** Tensor views and raw tensors the render's calls created; closed with the context. */
    final List<AutoCloseable> views = new ArrayList<>();
    /** The render's large buffers, taken from its renderer's pool and given back when this closes. */
    final TensorPool.Lease tensors;
    final OrtClock clock = new OrtClock();
    final StageTimes times = new StageTimes();
    private final long start = System.nanoTime();
    /** Where named tensors go when the request traces; set once the plan knows the guidance batch. */
    Tracer trace = new Tracer(null, 1);
    /** The denoiser's text context for this render, or {@code null} when it takes none; set before the first clip. */
    io.github.emo4j.pack.PromptEmbeddings prompt;
    /** Preprocessing results the request gives instead of their derivation. */
    final GivenInputs given;

    /** Whether the pipeline is closing, which stops the render like a cancellation. */
    private final BooleanSupplier closing;

    /** A context whose buffers come from a pool of its own (for work outside a renderer's renders). */
    RenderContext(RenderSpec spec, BooleanSupplier closing) {
        this(spec, closing, new TensorPool());
    }

    RenderContext(RenderSpec spec, BooleanSupplier closing, TensorPool pool) {
        this.spec = spec;
        this.tensors = pool.lease();
        this.closing = closing;
        this.given = spec == null ? null : new GivenInputs(spec.preprocessing());
    }

    /** Runs {@code work}, adding its duration to stage {@code stage}. */
    <T> T time(String stage, Work<T> work) throws OrtException {
        StageTimes.Stopwatch w = times.stage(stage).start();
        try {
            return work.run();
        } finally {
            w.stop();
        }
    }

    /** Throws {@link RenderCancelledException} when the thread was interrupted or the token cancelled. */
    void checkCancelled() {
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new RenderCancelledException("render interrupted; no output was written");
        }
        if (spec.cancel() != null && spec.cancel().isCancelled()) {
            throw new RenderCancelledException("render cancelled; no output was written");
        }
        if (closing.getAsBoolean()) {
            throw new RenderCancelledException("the pipeline was closed during the render; no output was written");
        }
    }

    void progress(Progress p) {
        spec.progress().onProgress(p);
    }

    /** The render's statistics so far, {@code onnx_total} among the stages. */
    RenderStats stats(long unetRuns) {
        var stages = times.nanos();
        stages.put("onnx_total", clock.runNanos());
        return new RenderStats(System.nanoTime() - start, stages, clock.busyNanos(), unetRuns);
    }

    /** Releases the views, then gives the buffers under them back to the pool. */
    @Override
    public void close() {
        ComponentCall.closeAll(views);
        tensors.close();
    }
}
