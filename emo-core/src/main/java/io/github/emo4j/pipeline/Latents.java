package io.github.emo4j.pipeline;

import io.github.emo4j.onnx.FloatTensor;
import java.util.SplittableRandom;

/**
 * Latent-space work between denoiser runs: seeded initial noise, the layout the VAE decoder wants, and
 * how clips join (motion frames kept, context windows cross-faded).
 */
final class Latents {
    private Latents() {
    }

    /**
     * Standard normal noise by Marsaglia's polar method, seeded per clip, so a clip's noise depends on
     * neither threads nor other clips. The seed and clip are hashed into the generator's state: a state
     * of {@code seed} times the generator's own increment made seeds s and s + 1 one draw apart, so
     * their clips often began with the same noise.
     */
    static void fillNoise(FloatTensor latents, long seed, int clip) {
        SplittableRandom rnd = new SplittableRandom(mix(mix(seed) ^ clip));
        var b = latents.buffer();
        int n = latents.size();
        int i = 0;
        while (i < n) {
            long bits = rnd.nextLong();
            // two 31-bit uniforms in (-1, 1) from one draw
            double u = ((bits >>> 33) * 0x1.0p-30) - 1, v = (((bits << 31) >>> 33) * 0x1.0p-30) - 1;
            double s2 = u * u + v * v;
            if (s2 >= 1 || s2 == 0) {
                continue;
            }
            double f = Math.sqrt(-2 * Math.log(s2) / s2);
            b.put(i++, (float) (u * f));
            if (i < n) {
                b.put(i++, (float) (v * f));
            }
        }
    }

    /** A bijective 64-bit finaliser (Stafford's mix 13), so that nearby inputs give unrelated states. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** [1, C, F, H, W] → [F, C, H, W]. */
    static void toFrameMajor(FloatTensor src, FloatTensor dst, int c, int f, int plane) {
        var s = src.buffer();
        var d = dst.buffer();
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < f; k++) {
                d.put((k * c + ch) * plane, s, (ch * f + k) * plane, plane);
            }
        }
    }

    /**
     * Context windows: the clip's first {@code k} frames fade in over the previous clip's last
     * {@code k} (weights (j+1)/(k+1)), then this clip's last {@code k} are kept for the next one.
     */
    static void crossFade(FloatTensor latents, float[] tail, boolean blend, int c, int f, int k, int plane) {
        var b = latents.buffer();
        for (int ch = 0; ch < c; ch++) {
            for (int j = 0; j < k; j++) {
                int at = (ch * f + j) * plane, from = (ch * k + j) * plane;
                if (blend) {
                    float w = (j + 1) / (float) (k + 1);
                    for (int p = 0; p < plane; p++) {
                        b.put(at + p, (1 - w) * tail[from + p] + w * b.get(at + p));
                    }
                }
            }
            for (int j = 0; j < k; j++) {
                b.get((ch * f + f - k + j) * plane, tail, (ch * k + j) * plane, plane);
            }
        }
    }

    /** The last n frames of the clip become the next clip's motion frames. */
    static void keepMotionFrames(FloatTensor latents, FloatTensor motion, int c, int f, int n, int plane) {
        var s = latents.buffer();
        var d = motion.buffer();
        for (int ch = 0; ch < c; ch++) {
            for (int j = 0; j < n; j++) {
                int from = Math.max(0, f - n + j);
                d.put((ch * n + j) * plane, s, (ch * f + from) * plane, plane);
            }
        }
    }
}
