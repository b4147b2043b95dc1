package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.onnx.FloatTensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GuidanceTest {

    private static double std(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (x.length - 1));
    }

    @Test
    void guidanceCombinesAndRescalesAsPublished() {
        int n = 1000;
        Random rnd = new Random(1);
        float[] both = new float[2 * n];
        double[] u = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = rnd.nextGaussian();
            c[i] = 0.8 * u[i] + 0.5 * rnd.nextGaussian();
            both[i] = (float) u[i];
            both[n + i] = (float) c[i];
        }
        FloatTensor pred = FloatTensor.of(both, 2, n);
        FloatTensor eps = FloatTensor.zeros(1, n);
        double g = 7.5, phi = 0.7;
        Guidance.combine(pred, eps, (float) g);
        double[] cfg = new double[n];
        for (int i = 0; i < n; i++) {
            cfg[i] = u[i] + g * (c[i] - u[i]);
            assertEquals(cfg[i], eps.get(i), 1e-4);
        }
        Guidance.rescale(pred, eps, phi, 2);
        double factor = std(c) / std(cfg);
        for (int i = 0; i < n; i++) {
            double want = phi * cfg[i] * factor + (1 - phi) * cfg[i];
            assertEquals(want, eps.get(i), 1e-4 * Math.max(1, Math.abs(want)));
        }
    }

    @Test
    void separateReferenceAndAudioGuidanceFollowsItsFormula() {
        int n = 10;
        float[] v = new float[3 * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.7);
        }
        FloatTensor pred = FloatTensor.of(v, 3, n);
        FloatTensor eps = FloatTensor.zeros(1, n);
        Guidance.combineSplit(pred, eps, 1.5f, 4f);
        for (int k = 0; k < n; k++) {
            double u = v[k], r = v[n + k], f = v[2 * n + k];
            assertEquals(u + 1.5 * (r - u) + 4 * (f - r), eps.get(k), 1e-5);
        }
    }
}
