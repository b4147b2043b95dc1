package io.github.emo4j.pipeline;

import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.sched.OutputChunks;
import java.nio.FloatBuffer;

import static io.github.emo4j.onnx.FloatTensor.CHUNK;

/**
 * Classifier-free guidance over the branches of one batched denoiser run, unconditional first. Each pass
 * goes a chunk at a time through heap arrays, where the arithmetic vectorises.
 */
final class Guidance {
    private Guidance() {
    }

    /**
     * eps = uncond + g · (cond − uncond); the batch holds the unconditional half first. Returns whether
     * every combined value is finite (a NaN or infinity in either branch makes its value non-finite).
     */
    static boolean combine(FloatTensor pred, FloatTensor eps, float g) {
        int n = eps.size();
        Combined combined = new Combined(pred, n, g);
        float[] chunk = new float[Math.min(CHUNK, n)];
        var e = eps.buffer();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            combined.read(from, chunk, len);
            e.put(from, chunk, 0, len);
        }
        return combined.finite();
    }

    /**
     * uncond + g · (cond − uncond), computed as a sampler reads it, a chunk at a time, so that the guided
     * prediction is never written whole; remembers whether every value it gave was finite.
     */
    static final class Combined implements OutputChunks {
        private final FloatBuffer pred;
        private final int n;
        private final float g;
        private final float[] cond;
        /** The largest magnitude given since {@link #finite}: NaN or infinite if any value was. */
        private float largest;

        /** Over {@code pred}'s two branches of {@code n} values each, with scale {@code g}. */
        Combined(FloatTensor pred, int n, float g) {
            // a view of its own: two of these may read the prediction at once, on two threads
            this.pred = pred.buffer().duplicate();
            this.n = n;
            this.g = g;
            this.cond = new float[Math.min(CHUNK, n)];
        }

        @Override
        public void read(int from, float[] into, int length) {
            float m = largest;
            for (int done = 0; done < length; done += cond.length) {
                int len = Math.min(cond.length, length - done);
                pred.get(from + done, into, done, len);
                pred.get(n + from + done, cond, 0, len);
                for (int k = 0; k < len; k++) {
                    float u = into[done + k];
                    float v = u + g * (cond[k] - u);
                    into[done + k] = v;
                    m = Math.max(m, Math.abs(v));
                }
            }
            largest = m;
        }

        /** Whether every value given since the last call was finite; starts over. */
        boolean finite() {
            boolean finite = largest < Float.POSITIVE_INFINITY;
            largest = 0;
            return finite;
        }
    }

    /**
     * Guidance rescale (Lin et al., 2023, diffusers' {@code rescale_noise_cfg}): blends the guided noise
     * with a copy scaled to the conditional prediction's standard deviation, by {@code phi}.
     */
    static void rescale(FloatTensor pred, FloatTensor eps, double phi, int batch) {
        int n = eps.size();
        var p = pred.buffer();
        var e = eps.buffer();
        int cond = (batch - 1) * n;
        double sc = 0, scc = 0, sg = 0, sgg = 0;
        for (int k = 0; k < n; k++) {
            double c = p.get(cond + k), g = e.get(k);
            sc += c;
            scc += c * c;
            sg += g;
            sgg += g * g;
        }
        double stdCond = Math.sqrt(Math.max(0, (scc - sc * sc / n) / (n - 1)));
        double stdGuided = Math.sqrt(Math.max(0, (sgg - sg * sg / n) / (n - 1)));
        if (stdGuided == 0) {
            return;
        }
        double factor = phi * stdCond / stdGuided + (1 - phi);
        for (int k = 0; k < n; k++) {
            e.put(k, (float) (e.get(k) * factor));
        }
    }

    /**
     * Separate reference and audio guidance over the branches (neither, reference only, both):
     * eps = u + ref·(r − u) + audio·(f − r). Returns whether every combined value is finite.
     */
    static boolean combineSplit(FloatTensor pred, FloatTensor eps, float ref, float audio) {
        int n = eps.size();
        var p = pred.buffer();
        var e = eps.buffer();
        float[] u = new float[Math.min(CHUNK, n)], r = new float[u.length], f = new float[u.length];
        float largest = 0;
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            p.get(from, u, 0, len);
            p.get(n + from, r, 0, len);
            p.get(2 * n + from, f, 0, len);
            for (int k = 0; k < len; k++) {
                float v = u[k] + ref * (r[k] - u[k]) + audio * (f[k] - r[k]);
                u[k] = v;
                largest = Math.max(largest, Math.abs(v));
            }
            e.put(from, u, 0, len);
        }
        return largest < Float.POSITIVE_INFINITY;
    }
}
