package io.github.emo4j.video.aac;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast MDCT against the standard's O(N²) definition over two consecutive frames (the window is float, hence 1e-7). */
class MdctTest {

    @Test
    void fastMdctEqualsTheDefinition() {
        int n = 1024;
        Random rnd = new Random(11);
        float[] first = new float[n], second = new float[n];
        for (int i = 0; i < n; i++) {
            first[i] = (float) (rnd.nextGaussian() * 0.3);
            second[i] = (float) (0.5 * Math.sin(i * 0.07) + rnd.nextGaussian() * 0.05);
        }
        AacEncoder enc = new AacEncoder(48000, 30);
        enc.mdct(first);
        enc.mdct(second);
        double[] fast = enc.spectrum();
        double[] z = new double[2 * n];
        for (int i = 0; i < n; i++) {
            z[i] = first[i] * 32768.0 * Math.sin(Math.PI / (2 * n) * (i + 0.5));
            z[n + i] = second[i] * 32768.0 * Math.sin(Math.PI / (2 * n) * (n + i + 0.5));
        }
        double n0 = (n + 1) / 2.0, worst = 0, peak = 0;
        for (int k = 0; k < n; k++) {
            double acc = 0;
            for (int i = 0; i < 2 * n; i++) {
                acc += z[i] * 2 * Math.cos(2 * Math.PI / (2 * n) * (i + n0) * (k + 0.5));
            }
            worst = Math.max(worst, Math.abs(acc - fast[k]));
            peak = Math.max(peak, Math.abs(acc));
        }
        assertTrue(worst <= 1e-7 * peak, "largest difference " + worst + " of peak " + peak);
    }
}
