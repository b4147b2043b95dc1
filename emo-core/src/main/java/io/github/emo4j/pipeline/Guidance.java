package io.github.emo4j.pipeline;

import io.github.emo4j.onnx.FloatTensor;

/** Classifier-free guidance over the branches of one batched denoiser run, unconditional first. */
final class Guidance {
    private Guidance() {
    }

    /**
     * eps = uncond + g · (cond − uncond); the batch holds the unconditional half first. Returns whether
     * every combined value is finite (a NaN or infinity in either branch makes its value non-finite).
     */
    static boolean combine(FloatTensor pred, FloatTensor eps, float g) {
        int n = eps.size();
        var p = pred.buffer();
        var e = eps.buffer();
        // v − v is 0 for a finite v and NaN otherwise; four sums, so that no value waits for the one before
        float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            float u0 = p.get(k), u1 = p.get(k + 1), u2 = p.get(k + 2), u3 = p.get(k + 3);
            float v0 = u0 + g * (p.get(n + k) - u0);
            float v1 = u1 + g * (p.get(n + k + 1) - u1);
            float v2 = u2 + g * (p.get(n + k + 2) - u2);
            float v3 = u3 + g * (p.get(n + k + 3) - u3);
            e.put(k, v0);
            e.put(k + 1, v1);
            e.put(k + 2, v2);
            e.put(k + 3, v3);
            c0 += v0 - v0;
            c1 += v1 - v1;
            c2 += v2 - v2;
            c3 += v3 - v3;
        }
        for (; k < n; k++) {
            float u = p.get(k);
            float v = u + g * (p.get(n + k) - u);
            e.put(k, v);
            c0 += v - v;
        }
        return c0 + c1 + c2 + c3 == 0f;
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
        float check = 0;
        for (int k = 0; k < n; k++) {
            float u = p.get(k), r = p.get(n + k), f = p.get(2 * n + k);
            float v = u + ref * (r - u) + audio * (f - r);
            e.put(k, v);
            check += v - v;
        }
        return check == 0f;
    }
}
