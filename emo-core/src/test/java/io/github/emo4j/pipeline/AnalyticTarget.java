package io.github.emo4j.pipeline;

import static io.github.emo4j.procedural.ProceduralFace.*;

/**
 * An independent, plain-Java statement of the procedural pack's target frame, written from its
 * documented definition (not from the graph), for the oracle tests. Latents are [3][R][R] in [-1, 1].
 */
final class AnalyticTarget {

    private final int r;
    private final float[] ref;     // [3][r][r]
    private final float[] interior; // the mouth's back, keeping bright (tooth-like) pixels
    private final float[] mask;    // [r][r]
    private final int window;

    AnalyticTarget(float[] refPixels, float[] regionMask, int resolution, int audioWindow) {
        this.r = resolution;
        this.window = audioWindow;
        int n = r * r;
        ref = new float[3 * n];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = refPixels[i] * 2 - 1;
        }
        interior = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double darkest = Math.min(ref[i], Math.min(ref[n + i], ref[2 * n + i]));
            double tooth = clamp01(TOOTH_GAIN * (darkest - TOOTH_LEVEL));
            for (int c = 0; c < 3; c++) {
                interior[c * n + i] = (float) (MOUTH_COLOR[c] + tooth * (ref[c * n + i] - MOUTH_COLOR[c]));
            }
        }
        mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = Math.max(0, Math.min(1, regionMask[i]));
        }
    }

    /** Opening, wide and round per 20 ms chunk of normalised 16 kHz audio, {@code [chunks][3]}. */
    static float[][] features(float[] wav16k) {
        // normalised causally: chunk k by the mean and variance of the voice up to its end, the standard
        // deviation at least 0.01, as the pack's wav2vec-input-causal asks
        int chunks = (wav16k.length + CHUNK - 1) / CHUNK;
        float[][] f = new float[chunks][3];
        double[] x = new double[CHUNK];
        double sum = 0, squares = 0;
        long count = 0;
        for (int k = 0; k < chunks; k++) {
            int end = Math.min(wav16k.length, (k + 1) * CHUNK);
            for (int j = k * CHUNK; j < end; j++) {
                sum += wav16k[j];
                squares += (double) wav16k[j] * wav16k[j];
            }
            count += end - k * CHUNK;
            double mean = sum / count;
            double var = Math.max(squares / count - mean * mean, 0.01 * 0.01);
            double inv = 1 / Math.sqrt(var + 1e-7);
            double s = 0;
            for (int i = 0; i < CHUNK; i++) {
                int j = k * CHUNK + i;
                x[i] = j < wav16k.length ? (float) ((wav16k[j] - mean) * inv) : 0;
                s += x[i] * x[i];
            }
            double open = clamp01(AUDIO_GAIN * Math.sqrt(s / CHUNK) - AUDIO_BIAS);
            double low = 0, mid = 0, high = 0;
            for (int bin = 1; bin <= SPECTRUM_BINS; bin++) {
                double re = 0, im = 0;
                for (int i = 0; i < CHUNK; i++) {
                    double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / CHUNK);
                    re += hann * x[i] * Math.cos(2 * Math.PI * bin * i / CHUNK);
                    im += hann * x[i] * Math.sin(2 * Math.PI * bin * i / CHUNK);
                }
                double power = re * re + im * im;
                if (bin >= LOW_BAND[0] && bin <= LOW_BAND[1]) {
                    low += power;
                } else if (bin >= MID_BAND[0] && bin <= MID_BAND[1]) {
                    mid += power;
                } else if (bin >= HIGH_BAND[0] && bin <= HIGH_BAND[1]) {
                    high += power;
                }
            }
            double all = low + mid + high + SPECTRUM_FLOOR;
            f[k][0] = (float) open;
            f[k][1] = (float) (open * clamp01(WIDE_GAIN * high / all - WIDE_BIAS));
            f[k][2] = (float) (open * clamp01(ROUND_GAIN * (low - mid - 2 * high) / all - ROUND_BIAS));
        }
        return f;
    }

    /** The windowed features of frame {@code t} at {@code fps}, before the lip scale. */
    double[] window(float[][] features, long t, int fps) {
        float[] w = windowWeights(window);
        double[] sum = new double[3];
        for (int j = -window; j <= window; j++) {
            // the middle of the frame's time on screen, (t + j + ½) / fps, in 20 ms feature frames
            double pos = (t + j + 0.5) / fps * 50 - 0.5;
            for (int d = 0; d < 3; d++) {
                double v;
                if (pos <= 0) {
                    v = features[0][d];
                } else if (pos >= features.length - 1) {
                    v = features[features.length - 1][d];
                } else {
                    int i = (int) Math.floor(pos);
                    double f = pos - i;
                    v = features[i][d] * (1 - f) + features[i + 1][d] * f;
                }
                sum[d] += w[j + window] * v;
            }
        }
        return sum;
    }

    /**
     * The target latent frame for windowed features (opening, wide, round), at time {@code seconds},
     * before motion frames; {@code null} features stand for silence.
     */
    float[] frame(double[] features, double seconds, double pose, double expression, double lip) {
        int n = r * r;
        double open = 0, wide = 0, round = 0;
        if (features != null) {
            open = clamp01(features[0] * lip);
            wide = clamp01(features[1] * lip);
            round = clamp01(features[2] * lip);
        }
        double phase = (seconds + BLINK_PHASE) % BLINK_PERIOD;
        double pulse = clamp01(1 - Math.abs(phase - BLINK_PERIOD / 2) / BLINK_HALF_WIDTH);
        double blink = clamp01(pulse * expression);
        double theta = pose * ROT_AMPLITUDE * Math.sin(2 * Math.PI * seconds / ROT_PERIOD);
        double tx = pose * TX_AMPLITUDE * Math.sin(2 * Math.PI * seconds / TX_PERIOD + TX_PHASE);
        double ty = pose * TY_AMPLITUDE * Math.sin(2 * Math.PI * seconds / TY_PERIOD + TY_PHASE);
        double cos = Math.cos(theta), sin = Math.sin(theta);
        double k = WIDE_STRETCH * wide - ROUND_NARROW * round;
        float[] moved = new float[3 * n];
        float[] inside = new float[3 * n];
        float[] cover = new float[n];
        float[] gaps = new float[n];
        double[] sampled = new double[6];
        for (int y = 0; y < r; y++) {
            double gy = (2 * y + 1) / (double) r - 1;
            for (int x = 0; x < r; x++) {
                double gx = (2 * x + 1) / (double) r - 1;
                // head sway, fading out beside the head: where this output pixel is on the unmoved face
                double hu = ((x + 0.5) / r - HEAD_X) / HEAD_RX, hv = ((y + 0.5) / r - HEAD_Y) / HEAD_RY;
                double head = 1 - smoothstep((Math.sqrt(hu * hu + hv * hv) - 1) / HEAD_FALLOFF);
                double qx = gx + head * (cos * (gx - PIVOT_X) - sin * (gy - PIVOT_Y) + PIVOT_X - tx - gx);
                double qy = gy + head * (sin * (gx - PIVOT_X) + cos * (gy - PIVOT_Y) + PIVOT_Y - ty - gy);
                double u = (qx + 1) / 2, v = (qy + 1) / 2;
                double du = u - MOUTH_X, dv = v - MOUTH_Y;
                // the mouth: lips part along a lens, the upper lip lifts, the jaw drops, the corners move sideways
                double lens = clamp01(1 - sq(du / (MOUTH_HALF_WIDTH * (1 + k))));
                double openLens = open * lens;
                double lift = 1 - smoothstep(-dv / NOSE_FADE);
                double drop = 1 - smoothstep((dv - CHIN_HOLD) / (CHIN_FADE - CHIN_HOLD));
                double above = clamp01(0.5 - dv * r);
                double vs = v + openLens * (above * lift * LIP_LIFT - (1 - above) * drop * JAW_DROP);
                double spread = du * sq(clamp01(1 - sq(du / SPREAD_RX))) * sq(clamp01(1 - sq(dv / SPREAD_RY)));
                double us = u - k * spread;
                double gap = clamp01(r * Math.min(dv + openLens * LIP_LIFT, openLens * JAW_DROP - dv));
                sample(ref, us, vs, sampled, 0);
                sample(interior, u, v, sampled, 3);
                // the blink, at the swayed eyes
                double eye = 0;
                for (float ex : EYE_X) {
                    eye = Math.max(eye, clamp01(EYE_SHARPNESS * (1 - sq((u - ex) / EYE_RX) - sq((v - EYE_Y) / EYE_RY))));
                }
                cover[y * r + x] = (float) (clamp01((blink - (v - (EYE_Y - EYE_RY)) / (2 * EYE_RY)) * LID_SHARPNESS) * eye);
                gaps[y * r + x] = (float) gap;
                for (int c = 0; c < 3; c++) {
                    moved[c * n + y * r + x] = (float) sampled[c];
                    inside[c * n + y * r + x] = (float) sampled[3 + c];
                }
            }
        }
        // the lid is the moved face shifted down by one eye height; the opening shows the interior
        int sh = lidShift(r);
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < r; y++) {
                for (int x = 0; x < r; x++) {
                    int j = y * r + x, i = c * n + j;
                    double p = moved[i];
                    p += cover[j] * (moved[c * n + Math.max(0, y - sh) * r + x] - p);
                    p += gaps[j] * (inside[i] - p);
                    out[i] = (float) (ref[i] + mask[j] * (p - ref[i]));
                }
            }
        }
        return out;
    }

    /** Bilinear, border-clamped, pixel-centre sample of a [3][r][r] image at crop position (u, v) into out[at..at+2]. */
    private void sample(float[] im, double u, double v, double[] out, int at) {
        int n = r * r;
        double px = Math.max(0, Math.min(r - 1, u * r - 0.5));
        double py = Math.max(0, Math.min(r - 1, v * r - 0.5));
        int x0 = (int) Math.floor(px), y0 = (int) Math.floor(py);
        int x1 = Math.min(r - 1, x0 + 1), y1 = Math.min(r - 1, y0 + 1);
        double fx = px - x0, fy = py - y0;
        for (int c = 0; c < 3; c++) {
            int b = c * n;
            out[at + c] = im[b + y0 * r + x0] * (1 - fx) * (1 - fy) + im[b + y0 * r + x1] * fx * (1 - fy)
                    + im[b + y1 * r + x0] * (1 - fx) * fy + im[b + y1 * r + x1] * fx * fy;
        }
    }

    private static double smoothstep(double t) {
        double c = clamp01(t);
        return c * c * (3 - 2 * c);
    }

    private static double sq(double v) {
        return v * v;
    }

    /** Leans frame {@code k} of a clip towards the weighted previous motion frames (none for the first clip). */
    static void applyMotion(float[] target, float[][] motion, int k) {
        if (motion == null) {
            return;
        }
        boolean any = false;
        for (float[] m : motion) {
            for (float v : m) {
                any |= Math.abs(v) > 1e-6;
            }
        }
        if (!any) {
            return;
        }
        float[] w = motionWeights(motion.length);
        double lean = MOTION_WEIGHT * Math.pow(MOTION_DECAY, k);
        for (int i = 0; i < target.length; i++) {
            double mbar = 0;
            for (int j = 0; j < motion.length; j++) {
                mbar += w[j] * motion[j][i];
            }
            target[i] = (float) (target[i] + lean * (mbar - target[i]));
        }
    }

    private static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
