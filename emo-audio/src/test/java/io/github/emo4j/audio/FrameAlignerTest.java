package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameAlignerTest {

    @Test
    void windowsAreCentredOnTheFrameForManyRates() {
        Random rnd = new Random(3);
        long[][] fpsList = {{25, 1}, {30, 1}, {30000, 1001}, {24000, 1001}, {60, 1}, {12, 1}};
        for (long[] fps : fpsList) {
            for (double rate : new double[] {50, 100, 16000 / 320.0, 16000 / 160.0, 75}) {
                int m = rnd.nextInt(4);
                FrameAligner a = new FrameAligner(rate, fps[0], fps[1], m);
                // a linear feature: value = time of the feature-frame centre
                int n = 2000;
                float[][] f = new float[n][1];
                for (int i = 0; i < n; i++) {
                    f[i][0] = (float) ((i + 0.5) / rate);
                }
                int first = 37, count = 20;
                float[] w = a.windows(f, first, count);
                for (int k = 0; k < count; k++) {
                    for (int j = -m; j <= m; j++) {
                        double t = (first + k + j + 0.5) * fps[1] / fps[0];
                        assertEquals(t, w[k * a.window() + j + m], 2e-4, "rate " + rate + " fps " + fps[0] + "/" + fps[1]);
                    }
                }
            }
        }
    }

    @Test
    void padsAtBothEnds() {
        FrameAligner a = new FrameAligner(50, 25, 1, 2);
        float[][] f = {{1}, {2}, {3}, {4}};
        // frame 0 is centred at 20 ms, the boundary of feature rows 0 and 1; neighbours 40 ms apart
        float[] w = a.windows(f, 0, 1);
        assertArrayEquals(new float[] {1, 1, 1.5f, 3.5f, 4}, w, 1e-6f);
        float[] far = a.windows(f, 100, 1);
        assertArrayEquals(new float[] {4, 4, 4, 4, 4}, far, 1e-6f);
    }

    @Test
    void featuresAtTheFrameRateGiveEachFrameItsOwnRow() {
        FrameAligner a = new FrameAligner(25, 25, 1, 2);
        float[][] f = new float[10][];
        for (int i = 0; i < f.length; i++) {
            f[i] = new float[] {i, -i};
        }
        float[] w = a.windows(f, 4, 1);
        assertArrayEquals(new float[] {2, -2, 3, -3, 4, -4, 5, -5, 6, -6}, w, 0f);
    }
}
