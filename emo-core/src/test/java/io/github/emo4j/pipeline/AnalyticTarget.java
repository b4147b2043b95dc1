package io.github.emo4j.pipeline;

import static io.github.emo4j.procedural.ProceduralFace.*;

/**
 * An independent, plain-Java statement of the procedural pack's target frame, written from its
 * documented definition (not from the graph), for the oracle tests. Latents are [3][R][R] in [-1, 1].
 */
final class AnalyticTarget {

    private final int r;
    private final float[] ref;     // [3][r][r]
    private final float[] lid;     // ref moved down by the lid shift
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
        int sh = lidShift(r);
        lid = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < r; y++) {
                for (int x = 0; x < r; x++) {
                    lid[c * n + y * r + x] = ref[c * n + Math.max(0, y - sh) * r + x];
                }
            }
        }
        mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = Math.max(0, Math.min(1, regionMask[i]));
        }
    }

    /** Voice activity per 20 ms chunk of normalised 16 kHz audio. */
    static float[] activity(float[] wav16k) {
        double mean = 0;
        for (float v : wav16k) {
            mean += v;
        }
        mean /= wav16k.length;
        double var = 0;
        for (float v : wav16k) {
            var += (v - mean) * (v - mean);
        }
        var /= wav16k.length;
        double inv = 1 / Math.sqrt(var + 1e-7);
        int chunks = (wav16k.length + 319) / 320;
        float[] a = new float[chunks];
        for (int k = 0; k < chunks; k++) {
            double s = 0;
            for (int i = 0; i < 320; i++) {
                int j = k * 320 + i;
                double v = j < wav16k.length ? (wav16k[j] - mean) * inv : 0;
                s += v * v;
            }
            a[k] = (float) Math.max(0, Math.min(1, AUDIO_GAIN * Math.sqrt(s / 320) - AUDIO_BIAS));
        }
        return a;
    }

    /** Mouth opening of frame {@code t} at {@code fps} from chunk activities, before the lip scale. */
    float opening(float[] activity, long t, int fps) {
        float[] w = windowWeights(window);
        double sum = 0;
        for (int j = -window; j <= window; j++) {
            // the middle of the frame's time on screen, (t + j + ½) / fps, in 20 ms activity frames
            double pos = (t + j + 0.5) / fps * 50 - 0.5;
            double v;
            if (pos <= 0) {
                v = activity[0];
            } else if (pos >= activity.length - 1) {
                v = activity[activity.length - 1];
            } else {
                int i = (int) Math.floor(pos);
                double f = pos - i;
                v = activity[i] * (1 - f) + activity[i + 1] * f;
            }
            sum += w[j + window] * v;
        }
        return (float) sum;
    }

    /** The target latent frame for a mouth opening, at time {@code seconds}, before motion frames. */
    float[] frame(float opening, double seconds, double pose, double expression, double lip) {
        int n = r * r;
        double o = Math.max(0, Math.min(1, opening * lip));
        double phase = (seconds + BLINK_PHASE) % BLINK_PERIOD;
        double pulse = Math.max(0, Math.min(1, 1 - Math.abs(phase - BLINK_PERIOD / 2) / BLINK_HALF_WIDTH));
        double blink = Math.max(0, Math.min(1, pulse * expression));
        float[] face = new float[3 * n];
        for (int y = 0; y < r; y++) {
            double v = (y + 0.5) / r;
            for (int x = 0; x < r; x++) {
                double u = (x + 0.5) / r;
                double mu = (u - MOUTH_X) / MOUTH_RX, mv = (v - MOUTH_Y) / MOUTH_RY;
                double mouth = clamp01(MOUTH_SHARPNESS * (o * o * (1 - mu * mu) - mv * mv));
                double eye = 0;
                for (float ex : EYE_X) {
                    double dx = (u - ex) / EYE_RX, dy = (v - EYE_Y) / EYE_RY;
                    eye = Math.max(eye, clamp01(EYE_SHARPNESS * (1 - dx * dx - dy * dy)));
                }
                double depth = (v - (EYE_Y - EYE_RY)) / (2 * EYE_RY);
                double cover = clamp01((blink - depth) * LID_SHARPNESS) * eye;
                for (int c = 0; c < 3; c++) {
                    int i = c * n + y * r + x;
                    double p = ref[i] + mouth * MOUTH_DEPTH * (MOUTH_COLOR[c] - ref[i]);
                    p += cover * (lid[i] - p);
                    face[i] = (float) p;
                }
            }
        }
        // head sway: sample the composed face through the frame's affine map, border-clamped bilinear
        double theta = pose * ROT_AMPLITUDE * Math.sin(2 * Math.PI * seconds / ROT_PERIOD);
        double tx = pose * TX_AMPLITUDE * Math.sin(2 * Math.PI * seconds / TX_PERIOD + TX_PHASE);
        double ty = pose * TY_AMPLITUDE * Math.sin(2 * Math.PI * seconds / TY_PERIOD + TY_PHASE);
        double cos = Math.cos(theta), sin = Math.sin(theta);
        float[] out = new float[3 * n];
        for (int y = 0; y < r; y++) {
            double gy = (2 * y + 1) / (double) r - 1;
            for (int x = 0; x < r; x++) {
                double gx = (2 * x + 1) / (double) r - 1;
                double dx = gx - PIVOT_X, dy = gy - PIVOT_Y;
                double sx = cos * dx - sin * dy + PIVOT_X - tx;
                double sy = sin * dx + cos * dy + PIVOT_Y - ty;
                double px = Math.max(0, Math.min(r - 1, ((sx + 1) * r - 1) / 2));
                double py = Math.max(0, Math.min(r - 1, ((sy + 1) * r - 1) / 2));
                int x0 = (int) Math.floor(px), y0 = (int) Math.floor(py);
                int x1 = Math.min(r - 1, x0 + 1), y1 = Math.min(r - 1, y0 + 1);
                double fx = px - x0, fy = py - y0;
                for (int c = 0; c < 3; c++) {
                    int b = c * n;
                    double val = face[b + y0 * r + x0] * (1 - fx) * (1 - fy) + face[b + y0 * r + x1] * fx * (1 - fy)
                            + face[b + y1 * r + x0] * (1 - fx) * fy + face[b + y1 * r + x1] * fx * fy;
                    int i = b + y * r + x;
                    out[i] = (float) (ref[i] + mask[y * r + x] * (val - ref[i]));
                }
            }
        }
        return out;
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
