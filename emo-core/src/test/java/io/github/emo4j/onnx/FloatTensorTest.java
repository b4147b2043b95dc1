package io.github.emo4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The whole-tensor operations, which go a chunk at a time, at and across their chunks' edges. */
class FloatTensorTest {
    private static final int N = 3 * FloatTensor.CHUNK + 11;

    private static FloatTensor ramp() {
        FloatTensor t = FloatTensor.zeros(N);
        for (int i = 0; i < N; i++) {
            t.set(i, i - N / 2f);
        }
        return t;
    }

    @Test
    void allFiniteFindsNanAndBothInfinitiesOnlyInTheRangeAsked() {
        int[] places = {0, FloatTensor.CHUNK - 1, FloatTensor.CHUNK, 2 * FloatTensor.CHUNK + 1, N - 1};
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int at : places) {
            for (float b : bad) {
                FloatTensor t = ramp();
                assertTrue(t.allFinite());
                t.set(at, b);
                assertFalse(t.allFinite(), b + " at " + at);
                assertFalse(t.allFinite(at, at + 1), b + " at " + at);
                assertTrue(t.allFinite(0, at), b + " before " + at);
                assertTrue(t.allFinite(at + 1, N), b + " after " + at);
            }
        }
        assertTrue(ramp().allFinite(5, 5), "an empty range");
        FloatTensor big = FloatTensor.zeros(4);
        big.set(2, Float.MAX_VALUE);
        big.set(3, -Float.MAX_VALUE);
        assertTrue(big.allFinite());
    }

    @Test
    void scaleAndFillReachEveryValue() {
        FloatTensor t = ramp();
        t.scale(-0.5f);
        for (int i = 0; i < N; i++) {
            assertEquals((i - N / 2f) * -0.5f, t.get(i), 0f, "value " + i);
        }
        t.fill(0.25f);
        for (int i = 0; i < N; i++) {
            assertEquals(0.25f, t.get(i), 0f, "value " + i);
        }
    }
}
