package io.github.emo4j;

import java.util.Map;

/**
 * Where a render's time went, in nanoseconds.
 *
 * @param wallNanos   the whole render
 * @param stageNanos  time per stage of the pipeline: {@code vocal_separation} (packs with a separator),
 *                    {@code audio}, {@code face}, {@code reference}, {@code noise}, {@code sampling}
 *                    (guidance, scheduler steps and input copies between denoiser runs),
 *                    {@code denoise}, {@code vae_decode}, {@code composite}, {@code encode},
 *                    {@code wait_output} (the denoiser waiting for decoding, paste-back and the encoder
 *                    to free a buffer), and
 *                    {@code onnx_total}: the sum of every session run's own duration
 * @param onnxNanos   wall time during which at least one {@code OrtSession.run} was in progress (decoding
 *                    overlaps denoising, so this is the union of the runs' intervals, not their sum)
 * @param unetRuns    denoiser invocations
 */
public record RenderStats(long wallNanos, Map<String, Long> stageNanos, long onnxNanos, long unetRuns) {
    /**
     *  Copies the stage map, so the statistics cannot change afterwards.
     *
     * @param wallNanos  the whole render
     * @param stageNanos time per stage of the pipeline: {@code vocal_separation} (packs with a separator), {@code audio}, {@code face}, {@code reference}, {@code noise}, {@code sampling} (guidance, scheduler steps and input copies between denoiser runs), {@code denoise}, {@code vae_decode}, {@code composite}, {@code encode}, {@code wait_output} (the denoiser waiting for decoding, paste-back and the encoder to free a buffer), and {@code onnx_total}: the sum of every session run's own duration
     * @param onnxNanos  wall time during which at least one {@code OrtSession.run} was in progress (decoding overlaps denoising, so this is the union of the runs' intervals, not their sum)
     * @param unetRuns   denoiser invocations
     */
    public RenderStats {
        stageNanos = Map.copyOf(stageNanos);
    }

    /**
     * Wall time over time inside ONNX Runtime: 1.0 means no Java-side overhead.
     *
     * @return the ratio, or NaN when nothing ran in ONNX Runtime
     */
    public double overheadRatio() {
        return onnxNanos == 0 ? Double.NaN : wallNanos / (double) onnxNanos;
    }
}
