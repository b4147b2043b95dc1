package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whisper's log-mel definition recomputed here from its published steps, with a plain O(n²) DFT and
 * mel filters built from librosa's formulas, independently of the production code path (which uses
 * an FFT and precomputed filter bounds).
 */
class WhisperLogMelTest {

    static float[] signal(int n) {
        Random rnd = new Random(8);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / 16000.0;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * (200 + 1800 * t) * t) + 0.05 * rnd.nextGaussian()
                    + (i > n / 2 ? 0.2 * Math.sin(2 * Math.PI * 3100 * t) : 0));
        }
        return x;
    }

    static double[][] reference(float[] x, int nMels) {
        int nFft = 400, hop = 160, pad = 200, bins = 201;
        // reflect padding: torch.stft(center=True, pad_mode="reflect")
        double[] p = new double[x.length + 2 * pad];
        for (int i = 0; i < p.length; i++) {
            int j = i - pad;
            if (j < 0) {
                j = -j;
            } else if (j >= x.length) {
                j = 2 * (x.length - 1) - j;
            }
            p[i] = x[j];
        }
        int frames = x.length / hop; // 1 + len//hop frames, the last one dropped
        // Slaney mel filters, librosa.filters.mel(sr=16000, n_fft=400, n_mels, htk=False, norm="slaney")
        double fsp = 200.0 / 3, logstep = Math.log(6.4) / 27;
        java.util.function.DoubleUnaryOperator toMel = f -> f < 1000 ? f / fsp : 15 + Math.log(f / 1000) / logstep;
        java.util.function.DoubleUnaryOperator toHz = m -> m < 15 ? m * fsp : 1000 * Math.exp(logstep * (m - 15));
        double maxMel = toMel.applyAsDouble(8000);
        double[] pts = new double[nMels + 2];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = toHz.applyAsDouble(maxMel * i / (nMels + 1));
        }
        double[][] fb = new double[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            for (int k = 0; k < bins; k++) {
                double f = 8000.0 * k / 200;
                double up = (f - pts[m]) / (pts[m + 1] - pts[m]);
                double down = (pts[m + 2] - f) / (pts[m + 2] - pts[m + 1]);
                fb[m][k] = Math.max(0, Math.min(up, down)) * 2 / (pts[m + 2] - pts[m]);
            }
        }
        double[][] out = new double[nMels][frames];
        double max = -1e300;
        for (int t = 0; t < frames; t++) {
            double[] power = new double[bins];
            for (int k = 0; k < bins; k++) {
                double re = 0, im = 0;
                for (int n = 0; n < nFft; n++) {
                    double w = 0.5 * (1 - Math.cos(2 * Math.PI * n / nFft)) * p[t * hop + n];
                    re += w * Math.cos(2 * Math.PI * k * n / nFft);
                    im -= w * Math.sin(2 * Math.PI * k * n / nFft);
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < nMels; m++) {
                double s = 0;
                for (int k = 0; k < bins; k++) {
                    s += fb[m][k] * power[k];
                }
                out[m][t] = Math.log10(Math.max(s, 1e-10));
                max = Math.max(max, out[m][t]);
            }
        }
        for (double[] row : out) {
            for (int t = 0; t < frames; t++) {
                row[t] = (Math.max(row[t], max - 8) + 4) / 4;
            }
        }
        return out;
    }

    @Test
    void matchesTheDefinitionFor80And128Bands() {
        float[] x = signal(16000 * 6 / 10 + 77);
        for (int mels : new int[] {80, 128}) {
            float[][] got = new WhisperLogMel(mels).compute(x);
            double[][] want = reference(x, mels);
            assertEquals(want.length, got.length);
            assertEquals(want[0].length, got[0].length);
            assertEquals(x.length / 160, got[0].length);
            double worst = 0;
            for (int m = 0; m < mels; m++) {
                for (int t = 0; t < want[0].length; t++) {
                    worst = Math.max(worst, Math.abs(want[m][t] - got[m][t]));
                }
            }
            assertTrue(worst <= 1e-4, mels + " bands: worst difference " + worst);
        }
    }

    @Test
    void silenceClampsEightBelowTheMaximum() {
        float[] x = new float[16000];
        for (int i = 8000; i < 8400; i++) {
            x[i] = (float) Math.sin(i * 0.3);
        }
        float[][] f = new WhisperLogMel(80).compute(x);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float[] row : f) {
            for (float v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertEquals(2.0, max - min, 1e-5, "a clamp of 8 in log10 units is 2 after (x+4)/4");
    }

    @Test
    void stftInvertsByOverlapAdd() {
        float[] x = signal(4000);
        Stft stft = new Stft(400);
        double[] padded = Stft.reflectPad(x, 200);
        double[] sum = new double[padded.length], norm = new double[padded.length];
        double[] re = new double[201], im = new double[201], frame = new double[400];
        double[] w = stft.window();
        for (int start = 0; start + 400 <= padded.length; start += 100) {
            stft.forward(padded, start, re, im);
            stft.inverse(re, im, frame);
            for (int i = 0; i < 400; i++) {
                sum[start + i] += frame[i];
                norm[start + i] += w[i] * w[i];
            }
        }
        for (int i = 400; i < x.length - 400; i++) {
            assertEquals(x[i], sum[i + 200] / norm[i + 200], 1e-9);
        }
    }
}
