package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.onnx.FloatTensor;
import org.junit.jupiter.api.Test;

class NoiseTest {

    @Test
    void noiseIsStandardNormalAndSeededPerClip() {
        FloatTensor a = FloatTensor.zeros(200_001);
        Latents.fillNoise(a, 42, 3);
        double mean = 0, var = 0, kurt = 0;
        int n = a.size();
        for (int i = 0; i < n; i++) {
            mean += a.get(i);
        }
        mean /= n;
        for (int i = 0; i < n; i++) {
            double d = a.get(i) - mean;
            var += d * d;
            kurt += d * d * d * d;
        }
        var /= n;
        kurt = kurt / n / (var * var);
        assertEquals(0, mean, 0.01);
        assertEquals(1, var, 0.01);
        assertEquals(3, kurt, 0.05);
        FloatTensor b = FloatTensor.zeros(200_001);
        Latents.fillNoise(b, 42, 3);
        FloatTensor c = FloatTensor.zeros(200_001);
        Latents.fillNoise(c, 42, 4);
        assertEquals(a.get(1000), b.get(1000));
        assertNotEquals(a.get(1000), c.get(1000));
    }

    /** Neighbouring seeds and clips must not share a stream shifted by a draw or two. */
    @Test
    void neighbouringSeedsAndClipsShareNoValues() {
        java.util.Set<Float> first = new java.util.HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            for (int clip = 0; clip < 4; clip++) {
                FloatTensor t = FloatTensor.zeros(8);
                Latents.fillNoise(t, seed, clip);
                for (int i = 0; i < 8; i++) {
                    assertTrue(first.add(t.get(i)), "seed " + seed + " clip " + clip + " repeats a value of another");
                }
            }
        }
    }

    @Test
    void prefetchedNoiseIsEachClipsOwn() throws Exception {
        long[] shape = {2, 3, 5, 7};
        // from clip 1: the sampler of the clips after a shorter first clip
        for (int from = 0; from < 2; from++) {
            try (NoisePrefetch prefetch = new NoisePrefetch(shape, 9, null, from)) {
                for (int clip = from; clip < 4; clip++) {
                    FloatTensor got = FloatTensor.zeros(shape), want = FloatTensor.zeros(shape);
                    prefetch.take(clip, got, clip < 3);
                    Latents.fillNoise(want, 9, clip);
                    for (int i = 0; i < want.size(); i++) {
                        assertEquals(want.get(i), got.get(i), "from " + from + ", clip " + clip + " value " + i);
                    }
                }
            }
        }
    }
}
