package io.github.emo4j.procedural;

import io.github.emo4j.face.FaceCrop;

/**
 * The constants of the procedural reference pack's analytic face. Positions and lengths are in
 * normalised crop coordinates (0..1, y down). {@link FaceCrop} fits every crop to the same canonical
 * eyes and mouth, so these positions are the real landmarks on any portrait, and lengths are given as
 * multiples of the eyes' distance {@link #EYE_DISTANCE}: a motion scaled to the face, not to the photo.
 *
 * <p>Shared by the graph generator and the tests' independent oracle; docs/model-pack.md writes the
 * formulas out.
 */
public final class ProceduralFace {
    private ProceduralFace() {
    }

    /** The distance between the eyes in crop units, the unit of every length below. */
    public static final float EYE_DISTANCE = FaceCrop.LEFT_EYE_X - FaceCrop.RIGHT_EYE_X;

    // ---- audio encoder: three features per 20 ms chunk of normalised 16 kHz speech ----

    /** Opening: {@code clip(AUDIO_GAIN · rms − AUDIO_BIAS, 0, 1)}, the voice's loudness. */
    public static final float AUDIO_GAIN = 0.9f;
    public static final float AUDIO_BIAS = 0.1f;
    /** Samples per chunk, and the Hann-windowed DFT bins 1..{@value #SPECTRUM_BINS} (50 Hz to 4 kHz). */
    public static final int CHUNK = 320;
    public static final int SPECTRUM_BINS = 80;
    /**
     * Formant bands as inclusive DFT bin ranges at 50 Hz per bin: the first formant of every vowel
     * (250–900 Hz), the second formant of open back vowels like "ah" (950–1600 Hz), and the high second
     * formant of spread vowels like "ee" and of fricatives (1650–4000 Hz).
     */
    public static final int[] LOW_BAND = {5, 18};
    public static final int[] MID_BAND = {19, 32};
    public static final int[] HIGH_BAND = {33, 80};
    /** Wide (spread lips): {@code open · clip(WIDE_GAIN · high/all − WIDE_BIAS, 0, 1)}. */
    public static final float WIDE_GAIN = 4f;
    public static final float WIDE_BIAS = 0.2f;
    /** Rounded lips: {@code open · clip(ROUND_GAIN · (low − mid − 2·high)/all − ROUND_BIAS, 0, 1)}. */
    public static final float ROUND_GAIN = 3f;
    public static final float ROUND_BIAS = 0.9f;
    /** Added to the band energies' sum before dividing, so a silent chunk has no shape. */
    public static final float SPECTRUM_FLOOR = 1e-6f;

    // ---- mouth: a displacement field that opens the lips, and the interior that shows between them ----

    public static final float MOUTH_X = FaceCrop.MOUTH_X;
    public static final float MOUTH_Y = FaceCrop.MOUTH_Y;
    /** Half the lips' width: the opening closes at the corners, {@code MOUTH_X ± MOUTH_HALF_WIDTH}. */
    public static final float MOUTH_HALF_WIDTH = 0.45f * EYE_DISTANCE;
    /** How far the lower lip and the jaw move down at full opening. */
    public static final float JAW_DROP = 0.26f * EYE_DISTANCE;
    /** How far the upper lip moves up at full opening. */
    public static final float LIP_LIFT = 0.06f * EYE_DISTANCE;
    /** Below the mouth the jaw moves rigidly for this far, then fades out until {@link #CHIN_FADE}. */
    public static final float CHIN_HOLD = 0.25f * EYE_DISTANCE;
    public static final float CHIN_FADE = 0.85f * EYE_DISTANCE;
    /** Above the mouth the lift fades out over this distance, before the nose. */
    public static final float NOSE_FADE = 0.35f * EYE_DISTANCE;
    /** Lips spread by this fraction of their width when wide, and narrow by {@link #ROUND_NARROW} when rounded. */
    public static final float WIDE_STRETCH = 0.18f;
    public static final float ROUND_NARROW = 0.3f;
    /** The reach of the sideways displacement around the mouth. */
    public static final float SPREAD_RX = 1.6f * MOUTH_HALF_WIDTH;
    public static final float SPREAD_RY = 0.5f * EYE_DISTANCE;
    /** The back of the mouth, in latent units (2·rgb − 1). */
    public static final float[] MOUTH_COLOR = {-0.5f, -0.84f, -0.84f};
    /** Teeth are where all three channels are bright: {@code clip(TOOTH_GAIN · (min channel − TOOTH_LEVEL), 0, 1)}. */
    public static final float TOOTH_LEVEL = 0.35f;
    public static final float TOOTH_GAIN = 5f;

    // ---- eyes: the lid (skin above the eye, shifted down) covers the eye from the top while blinking ----

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

    // ---- head sway: a rotation about the neck plus a small translation, in grid units ([-1, 1] spans the crop) ----

    public static final float PIVOT_X = 2 * MOUTH_X - 1;
    public static final float PIVOT_Y = 2 * (MOUTH_Y + 0.9f * EYE_DISTANCE) - 1;
    public static final float ROT_AMPLITUDE = 0.03f;
    public static final float ROT_PERIOD = 4.3f;
    public static final float TX_AMPLITUDE = 2 * 0.04f * EYE_DISTANCE;
    public static final float TX_PERIOD = 3.1f;
    public static final float TX_PHASE = 1.0f;
    public static final float TY_AMPLITUDE = 2 * 0.025f * EYE_DISTANCE;
    public static final float TY_PERIOD = 2.3f;
    public static final float TY_PHASE = 2.0f;
    /**
     * The head: an ellipse around eyes and mouth that sways rigidly. Outside it the sway fades out over
     * {@link #HEAD_FALLOFF} (in units of the ellipse's radii), so the background beside the face stays put.
     */
    public static final float HEAD_X = MOUTH_X;
    public static final float HEAD_Y = (EYE_Y + MOUTH_Y) / 2;
    public static final float HEAD_RX = 1.1f * EYE_DISTANCE;
    public static final float HEAD_RY = 1.4f * EYE_DISTANCE;
    public static final float HEAD_FALLOFF = 0.35f;

    /** The largest pose scale ({@link io.github.emo4j.MotionControl} allows 0..4); larger ones are clipped. */
    public static final float MAX_POSE = 4f;

    /**
     * The box (u0, v0, u1, v1) outside which nothing is animated: it holds the support of
     * {@link FaceCrop#regionMask()}, the only mask the pack is given, so the target is the same with or
     * without it and the denoiser computes only inside it.
     */
    public static final float[] ANIMATED_BOX = {0.13f, 0.08f, 0.87f, 1.0f};

    // ---- motion frames: the first frames of a clip lean towards the previous clip's last frames ----

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
