package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.sched.FlowUniPcMultistepScheduler;
import io.github.emo4j.sched.Sampler;
import java.util.Map;
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

    /** A length that is not a multiple of the chunks, and two branches of random values. */
    private static FloatTensor branches(int n, long seed) {
        Random rnd = new Random(seed);
        float[] both = new float[2 * n];
        for (int i = 0; i < both.length; i++) {
            both[i] = (float) rnd.nextGaussian();
        }
        return FloatTensor.of(both, 2, n);
    }

    @Test
    void guidanceReadInChunksStepsWansUniPcExactlyAsGuidanceWrittenWhole() {
        int n = 3 * FloatTensor.CHUNK + 77;
        Map<String, Object> config = Map.of("_class_name", "FlowUniPCMultistepScheduler", "num_train_timesteps", 1000,
                "sample_shift", 3.0, "solver_order", 2);
        Sampler whole = new FlowUniPcMultistepScheduler(config).sampler(6, 0);
        Sampler chunked = new FlowUniPcMultistepScheduler(config).sampler(6, 0);
        Sampler ranges = new FlowUniPcMultistepScheduler(config).sampler(6, 0);
        assertTrue(chunked.readsInChunks());
        assertTrue(ranges.stepsInRanges());
        FloatTensor a = branches(n, 3).leading(1), b = FloatTensor.zeros(1, n), c = FloatTensor.zeros(1, n);
        FloatTensor eps = FloatTensor.zeros(1, n);
        b.copyFrom(a, 0);
        c.copyFrom(a, 0);
        for (int i = 0; i < 6; i++) {
            FloatTensor pred = branches(n, 10 + i);
            assertTrue(Guidance.combine(pred, eps, 4.5f));
            whole.step(i, eps.buffer(), a.buffer());
            Guidance.Combined guided = new Guidance.Combined(pred, n, 4.5f);
            chunked.step(i, guided, b.buffer());
            assertTrue(guided.finite());
            // two ranges, the later first, with a guidance reader each, as two threads step them
            Guidance.Combined low = new Guidance.Combined(pred, n, 4.5f), high = new Guidance.Combined(pred, n, 4.5f);
            ranges.beginStep(i, n);
            ranges.stepRange(high, c.buffer(), FloatTensor.CHUNK + 5, n);
            ranges.stepRange(low, c.buffer(), 0, FloatTensor.CHUNK + 5);
            ranges.endStep();
            assertTrue(low.finite() && high.finite());
            for (int k = 0; k < n; k++) {
                assertEquals(a.get(k), b.get(k), 0f, "step " + i + ", value " + k);
                assertEquals(a.get(k), c.get(k), 0f, "in ranges: step " + i + ", value " + k);
            }
        }
    }

    @Test
    void guidanceReadInChunksTellsANonFiniteValueAndStartsOver() {
        int n = 2 * FloatTensor.CHUNK + 5;
        FloatTensor pred = branches(n, 4);
        pred.set(n + FloatTensor.CHUNK + 3, Float.NaN);
        Guidance.Combined guided = new Guidance.Combined(pred, n, 2f);
        float[] chunk = new float[FloatTensor.CHUNK];
        for (int from = 0; from < n; from += chunk.length) {
            guided.read(from, chunk, Math.min(chunk.length, n - from));
        }
        assertFalse(guided.finite());
        pred.set(n + FloatTensor.CHUNK + 3, Float.POSITIVE_INFINITY);
        pred.set(7, 1f);
        guided.read(0, chunk, chunk.length);
        assertTrue(guided.finite(), "the first chunk holds no infinity; the last call's NaN is forgotten");
        guided.read(FloatTensor.CHUNK, chunk, chunk.length);
        assertFalse(guided.finite());
    }
}
