package io.github.emo4j.procedural;

import io.github.emo4j.face.FaceCrop;

/**
 * The constants of the procedural reference pack's analytic face: where mouth and eyes sit in the
 * face crop, how far the mouth opens, when the eyes blink and how the head sways. Positions are in
 * normalised crop coordinates (0..1, y down), which {@link io.github.emo4j.face.FaceCrop} makes the
 * same for every portrait: the face box spans [0.25, 0.75] on both axes.
 *
 * <p>Shared by the graph generator and the tests' independent oracle.
 */
public final class ProceduralFace {
    private ProceduralFace() {
    }

    // audio encoder: activity = clip(GAIN * rms(normalised wav chunk) - BIAS, 0, 1)
    public static final float AUDIO_GAIN = 0.9f;
    public static final float AUDIO_BIAS = 0.1f;

    // mouth: a dark ellipse whose height grows with the opening
    public static final float MOUTH_X = FaceCrop.MOUTH_X;
    public static final float MOUTH_Y = FaceCrop.MOUTH_Y;
    public static final float MOUTH_RX = 0.05f;
    public static final float MOUTH_RY = 0.035f;
    public static final float MOUTH_SHARPNESS = 12f;
    public static final float MOUTH_DEPTH = 0.45f;
    /** Mouth interior colour in latent units (2·rgb − 1). */
    public static final float[] MOUTH_COLOR = {-0.5f, -0.84f, -0.84f};

    // eyes: the lid (skin above the eye, shifted down) covers the eye from the top while blinking
    public static final float EYE_Y = FaceCrop.EYE_Y;
    public static final float[] EYE_X = {FaceCrop.RIGHT_EYE_X, FaceCrop.LEFT_EYE_X};
    public static final float EYE_RX = 0.04f;
    public static final float EYE_RY = 0.02f;
    public static final float EYE_SHARPNESS = 4f;
    public static final float LID_SHARPNESS = 6f;
    public static final float BLINK_PERIOD = 3.7f;
    public static final float BLINK_HALF_WIDTH = 0.12f;
    /** Phase so that the first blink peaks at 1.5 s. */
    public static final float BLINK_PHASE = BLINK_PERIOD / 2 - 1.5f;

    // head sway: a rotation about the neck plus a small translation, in grid units ([-1, 1] spans the crop)
    public static final float PIVOT_X = 0f;
    public static final float PIVOT_Y = 0.6f;
    public static final float ROT_AMPLITUDE = 0.035f;
    public static final float ROT_PERIOD = 4.3f;
    public static final float TX_AMPLITUDE = 0.012f;
    public static final float TX_PERIOD = 3.1f;
    public static final float TX_PHASE = 1.0f;
    public static final float TY_AMPLITUDE = 0.008f;
    public static final float TY_PERIOD = 2.3f;
    public static final float TY_PHASE = 2.0f;

    // motion frames: the first frames of a clip lean towards the previous clip's last frames
    public static final float MOTION_WEIGHT = 0.5f;
    public static final float MOTION_DECAY = 0.5f;

    /** Lid shift in pixels at a given resolution. */
    public static int lidShift(int resolution) {
        return Math.max(1, Math.round(1.2f * EYE_RY * resolution));
    }

    /** Triangular weights over a ±m audio window, summing to one. */
    public static float[] windowWeights(int m) {
        float[] w = new float[2 * m + 1];
        float sum = 0;
        for (int j = -m; j <= m; j++) {
            w[j + m] = m + 1 - Math.abs(j);
            sum += w[j + m];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Weights over the n motion frames, doubling towards the most recent, summing to one. */
    public static float[] motionWeights(int n) {
        float[] w = new float[n];
        float sum = 0;
        for (int j = 0; j < n; j++) {
            w[j] = (float) Math.pow(2, j);
            sum += w[j];
        }
        for (int j = 0; j < n; j++) {
            w[j] /= sum;
        }
        return w;
    }
}
