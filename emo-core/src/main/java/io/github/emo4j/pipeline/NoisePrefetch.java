package io.github.emo4j.pipeline;

import io.github.emo4j.InitialNoise;
import io.github.emo4j.onnx.FloatTensor;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Each clip's initial noise, drawn on a thread of its own while the previous clip is denoised, so
 * that drawing millions of Gaussian values stays off the denoiser's path. The values are those of
 * {@link Latents#fillNoise} for the same seed and clip, whichever thread draws them.
 */
final class NoisePrefetch implements AutoCloseable {
    private final ExecutorService worker = HelperTasks.singleThread("emo4j-noise");
    private final FloatTensor next;
    private final long seed;
    private final InitialNoise given;
    private Future<?> ready;

    /**
     * Noise drawn from {@code seed}, or read from {@code given} when it is not {@code null}, for clips
     * from {@code firstClip} on.
     */
    NoisePrefetch(long[] shape, long seed, InitialNoise given, int firstClip) {
        this.next = FloatTensor.zeros(shape);
        this.seed = seed;
        this.given = given;
        draw(firstClip);
    }

    private void draw(int clip) {
        ready = worker.submit(() -> {
            if (given == null) {
                Latents.fillNoise(next, seed, clip);
            } else {
                float[] v = given.standardNormal(clip, next.shape());
                next.put(0, v, 0, v.length);
            }
        });
    }

    /**
     * Writes clip {@code clip}'s standard-normal noise into {@code latents} and, when {@code another}
     * clip may follow, starts drawing the next clip's; the caller scales it by the scheduler's initial
     * sigma. Clips are taken in order, from the first clip given.
     */
    void take(int clip, FloatTensor latents, boolean another) throws IOException {
        HelperTasks.await(ready, "drawing noise");
        latents.copyFrom(next, 0);
        ready = null;
        if (another) {
            draw(clip + 1);
        }
    }

    @Override
    public void close() {
        HelperTasks.stop(worker);
    }
}
