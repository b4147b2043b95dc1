package io.github.emo4j;

import java.util.Map;

/**
 * Where a render's time went, in nanoseconds.
 *
 * @param wallNanos   the whole render
 * @param stageNanos  time per stage of the pipeline: {@code audio}, {@code face}, {@code reference},
 *                    {@code denoise}, {@code vae_decode}, {@code composite}, {@code encode}
 * @param onnxNanos   time inside {@code OrtSession.run}, all components together
 * @param unetRuns    denoiser invocations
 */
public record RenderStats(long wallNanos, Map<String, Long> stageNanos, long onnxNanos, long unetRuns) {

    public RenderStats {
        stageNanos = Map.copyOf(stageNanos);
    }

    /** Wall time over time inside ONNX Runtime: 1.0 means no Java-side overhead. */
    public double overheadRatio() {
        return onnxNanos == 0 ? Double.NaN : wallNanos / (double) onnxNanos;
    }
}
