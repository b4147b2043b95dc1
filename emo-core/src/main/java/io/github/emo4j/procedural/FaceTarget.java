package io.github.emo4j.procedural;

import static io.github.emo4j.procedural.ProceduralFace.*;

import io.github.emo4j.onnx.GraphBuilder.Attr;
import io.github.emo4j.onnx.GraphBuilder;
import java.util.List;

/**
 * The procedural denoiser's target frame as graph nodes: head sway, then the mouth's displacement field
 * and opening, the blink, and the face-region mask. Every frame samples the reference features once,
 * through one grid that composes the sway and the mouth; the masks are evaluated at the swayed
 * position so that they stay on the moving face. docs/model-pack.md has the same formulas in prose.
 */
final class FaceTarget {

    /** Channels of the reference features: the portrait and its mouth interior. */
    static final int REF_CHANNELS = 6;
    private static final int C = 3;

    private final GraphBuilder g;
    private final int r;
    private final int audioWindow;
    private final String zero;
    private final String one;
    private final Window box;
    private final Window mouth;

    FaceTarget(GraphBuilder g, int resolution, int audioWindow) {
        this.g = g;
        this.r = resolution;
        this.audioWindow = audioWindow;
        this.zero = g.scalar(0f);
        this.one = g.scalar(1f);
        this.box = window(ANIMATED_BOX[0], ANIMATED_BOX[1], ANIMATED_BOX[2], ANIMATED_BOX[3]);
        this.mouth = mouthWindow();
    }

    /**
     * @param refFeat reference features {@code [1, 9, R, R]}
     * @param audio   audio windows {@code [B, F, w, 3]}
     * @param mask    face-region mask {@code [1, 1, R, R]}
     * @param time    frame times in seconds {@code [F]}
     * @param scale   motion scales {@code [3]}: pose, expression, lip
     * @return the target {@code [B, F, 3, R, R]}
     */
    String build(String refFeat, String audio, String mask, String time, String scale) {
        String pose = g.op("Clip", pick(scale, 0), zero, g.scalar(MAX_POSE));
        String expression = pick(scale, 1), lip = pick(scale, 2);

        // per frame: opening, wide, round [B, F, 1, 1]
        int w = 2 * audioWindow + 1;
        String weighted = g.op("Mul", audio, g.constant(windowWeights(audioWindow), w, 1));
        String feat = clip01(g.op("Mul", g.op("ReduceSum", List.of(Attr.of("keepdims", 0)), weighted, g.longs(2)), lip));
        String open = feature(feat, 0), wide = feature(feat, 1), round = feature(feat, 2);

        // the swayed position q of every output pixel of the animated box, in crop units [1, F, h, w]
        String[] q = swayed(time, pose);
        String u = q[0], v = q[1];
        String du = g.op("Sub", u, g.scalar(MOUTH_X)), dv = g.op("Sub", v, g.scalar(MOUTH_Y));

        // the mouth's displacement field at q
        String k = g.op("Sub", g.op("Mul", wide, g.scalar(WIDE_STRETCH)), g.op("Mul", round, g.scalar(ROUND_NARROW)));
        String halfWidth = g.op("Mul", g.op("Add", one, k), g.scalar(MOUTH_HALF_WIDTH));
        String lens = clip01(g.op("Sub", one, sq(g.op("Div", du, halfWidth))));
        String openLens = g.op("Mul", open, lens);
        String lift = g.op("Sub", one, smoothstep(g.op("Div", g.op("Neg", dv), g.scalar(NOSE_FADE))));
        String drop = g.op("Sub", one, smoothstep(g.op("Div", g.op("Sub", dv, g.scalar(CHIN_HOLD)), g.scalar(CHIN_FADE - CHIN_HOLD))));
        String above = clip01(g.op("Sub", g.scalar(0.5f), g.op("Mul", dv, g.scalar(r))));
        String profile = g.op("Sub", g.op("Mul", g.op("Mul", above, lift), g.scalar(LIP_LIFT)),
                g.op("Mul", g.op("Mul", g.op("Sub", one, above), drop), g.scalar(JAW_DROP)));
        String vs = g.op("Add", v, g.op("Mul", openLens, profile));
        String spread = g.op("Mul", g.op("Mul", du, sq(clip01(g.op("Sub", one, sq(g.op("Div", du, g.scalar(SPREAD_RX))))))),
                sq(clip01(g.op("Sub", one, sq(g.op("Div", dv, g.scalar(SPREAD_RY)))))));
        String us = g.op("Sub", u, g.op("Mul", k, spread));
        String gap = clip01(g.op("Mul", g.op("Min", g.op("Add", dv, g.op("Mul", openLens, g.scalar(LIP_LIFT))),
                g.op("Sub", g.op("Mul", openLens, g.scalar(JAW_DROP)), dv)), g.scalar(r)));

        // the face moves with the displacement field
        String grid = g.op("Concat", List.of(Attr.of("axis", -1)), toGrid(us), toGrid(vs));
        String batchFrames = g.op("Slice", g.op("Shape", audio), g.longs(0), g.longs(2), g.longs(0));
        String refS = sample(channels(refFeat, 0), g.op("Reshape", grid, g.longs(-1, box.h(), box.w(), 2)), batchFrames, box);
        // the interior stays where the face is, as upper teeth do; it shows only in the mouth's window
        String frames = g.op("Concat", List.of(Attr.of("axis", 0)), g.longs(1), g.op("Shape", time));
        String mouthGrid = g.op("Slice", q[2], g.longs(mouth.y0 - box.y0, mouth.x0 - box.x0),
                g.longs(mouth.y1 - box.y0, mouth.x1 - box.x0), g.longs(1, 2));
        String interior = g.op("Pad", sample(channels(refFeat, 1), mouthGrid, frames, mouth),
                g.longs(0, 0, 0, mouth.y0 - box.y0, mouth.x0 - box.x0, 0, 0, 0, box.y1 - mouth.y1, box.x1 - mouth.x1));
        // the eyelid: the moved face shifted down by one eye height, its top row repeated
        int sh = lidShift(r);
        String lidS = g.op("Pad", List.of(Attr.of("mode", "edge")), g.op("Slice", refS, g.longs(0), g.longs(box.h() - sh), g.longs(3)),
                g.longs(0, 0, 0, sh, 0, 0, 0, 0, 0, 0));

        // the blink covers the eyes at q; the opening shows the interior
        String cover = g.op("Unsqueeze", blinkCover(u, v, time, expression), g.longs(2));
        String face = g.op("Add", refS, g.op("Mul", cover, g.op("Sub", lidS, refS)));
        face = g.op("Add", face, g.op("Mul", g.op("Unsqueeze", gap, g.longs(2)), g.op("Sub", interior, face)));

        // only the face region may change; outside the box it is zero
        String ref = g.op("Reshape", channels(refFeat, 0), g.longs(1, 1, C, r, r));
        String change = g.op("Mul", g.op("Reshape", box.of(mask), g.longs(1, 1, 1, box.h(), box.w())), g.op("Sub", face, box.of(ref)));
        return g.op("Add", ref, g.op("Pad", change, g.longs(0, 0, 0, box.y0, box.x0, 0, 0, 0, r - box.y1, r - box.x1)));
    }

    /** A window of pixels, rows y0..y1 − 1 and columns x0..x1 − 1 of the crop. */
    private record Window(int x0, int y0, int x1, int y1, GraphBuilder g) {
        int w() {
            return x1 - x0;
        }

        int h() {
            return y1 - y0;
        }

        /** The window of an image's two last axes. */
        String of(String image) {
            return g.op("Slice", image, g.longs(y0, x0), g.longs(y1, x1), g.longs(-2, -1));
        }
    }

    private Window window(double u0, double v0, double u1, double v1) {
        int x0 = Math.max(0, (int) Math.floor(u0 * r)), y0 = Math.max(0, (int) Math.floor(v0 * r));
        int x1 = Math.min(r, (int) Math.ceil(u1 * r)), y1 = Math.min(r, (int) Math.ceil(v1 * r));
        return new Window(x0, y0, x1, y1, g);
    }

    /**
     * Where the opening can show, inside the box: the lens's largest extent, grown by the farthest a pixel
     * can sway at the largest pose (rotation about the pivot plus translation) and two pixels for
     * interpolation. The oracle tests hold the target to the same answer computed everywhere.
     */
    private Window mouthWindow() {
        double halfWidth = MOUTH_HALF_WIDTH * (1 + WIDE_STRETCH);
        double u0 = MOUTH_X - halfWidth, u1 = MOUTH_X + halfWidth, v0 = MOUTH_Y - LIP_LIFT, v1 = MOUTH_Y + JAW_DROP;
        double pivotU = (PIVOT_X + 1) / 2, pivotV = (PIVOT_Y + 1) / 2;
        double far = Math.max(Math.hypot(u0 - pivotU, v0 - pivotV), Math.hypot(u1 - pivotU, v0 - pivotV));
        far = Math.max(far, Math.max(Math.hypot(u0 - pivotU, v1 - pivotV), Math.hypot(u1 - pivotU, v1 - pivotV)));
        double shift = Math.hypot(TX_AMPLITUDE, TY_AMPLITUDE) / 2;
        // the rotation moves a point by at most θ times its distance to the pivot, which the shift can grow
        double reach = MAX_POSE * (ROT_AMPLITUDE * (far + MAX_POSE * shift) + shift) / (1 - MAX_POSE * ROT_AMPLITUDE)
                + 2.0 / r;
        Window m = window(u0 - reach, v0 - reach, u1 + reach, v1 + reach);
        return new Window(Math.max(m.x0, box.x0), Math.max(m.y0, box.y0), Math.min(m.x1, box.x1), Math.min(m.y1, box.y1), g);
    }

    /**
     * Head sway: the box's output pixels rotated about the neck and shifted, as crop units u and v,
     * {@code [1, F, h, w]} each, and as a sampling grid {@code [F, h, w, 2]}.
     */
    private String[] swayed(String time, String pose) {
        String twoPiT = g.op("Mul", time, g.scalar((float) (2 * Math.PI)));
        String theta = g.op("Mul", g.op("Mul", g.op("Sin", g.op("Div", twoPiT, g.scalar(ROT_PERIOD))), g.scalar(ROT_AMPLITUDE)), pose);
        String tx = wave(twoPiT, TX_PERIOD, TX_PHASE, TX_AMPLITUDE, pose);
        String ty = wave(twoPiT, TY_PERIOD, TY_PHASE, TY_AMPLITUDE, pose);
        String cos = g.op("Cos", theta), sin = g.op("Sin", theta);
        String px = g.scalar(PIVOT_X), py = g.scalar(PIVOT_Y);
        // A(p) = R(theta)·(p − pivot) + pivot − t
        String ox = g.op("Sub", g.op("Add", g.op("Sub", px, g.op("Mul", cos, px)), g.op("Mul", sin, py)), tx);
        String oy = g.op("Sub", g.op("Sub", g.op("Sub", py, g.op("Mul", sin, px)), g.op("Mul", cos, py)), ty);
        String cols = g.op("Concat", List.of(Attr.of("axis", 1)), col(cos), col(sin), col(g.op("Neg", sin)), col(cos), col(ox), col(oy));
        String affine = g.op("Reshape", cols, g.longs(-1, 3, 2));
        // the head sways rigidly, the background beside it does not: p + weight(p)·(A(p) − p)
        String base = g.constant(boxGrid(), (long) box.h() * box.w(), 3);
        String still = g.constant(boxPositions(), (long) box.h() * box.w(), 2);
        String swayBy = g.op("Sub", g.op("MatMul", base, affine), still);
        String grid = g.op("Add", still, g.op("Mul", swayBy, g.constant(headWeights(), (long) box.h() * box.w(), 1)));
        String[] uv = new String[3];
        uv[2] = g.op("Reshape", grid, g.longs(-1, box.h(), box.w(), 2));
        for (int a = 0; a < 2; a++) {
            String gridAxis = g.op("Slice", grid, g.longs(a), g.longs(a + 1), g.longs(2));
            uv[a] = g.op("Mul", g.op("Add", g.op("Reshape", gridAxis, g.longs(1, -1, box.h(), box.w())), one), g.scalar(0.5f));
        }
        return uv;
    }

    /** How far the lids cover the eyes at (u, v): a triangular pulse every BLINK_PERIOD seconds, from the top. */
    private String blinkCover(String u, String v, String time, String expression) {
        String phase = g.op("Mod", List.of(Attr.of("fmod", 1)), g.op("Add", time, g.scalar(BLINK_PHASE)), g.scalar(BLINK_PERIOD));
        String dist = g.op("Abs", g.op("Sub", phase, g.scalar(BLINK_PERIOD / 2)));
        String pulse = clip01(g.op("Sub", one, g.op("Div", dist, g.scalar(BLINK_HALF_WIDTH))));
        String blink = g.op("Reshape", clip01(g.op("Mul", pulse, expression)), g.longs(1, -1, 1, 1));
        String dy2 = sq(g.op("Div", g.op("Sub", v, g.scalar(EYE_Y)), g.scalar(EYE_RY)));
        String eye = null;
        for (float ex : EYE_X) {
            String dx2 = sq(g.op("Div", g.op("Sub", u, g.scalar(ex)), g.scalar(EYE_RX)));
            String one = clip01(g.op("Mul", g.op("Sub", g.op("Sub", this.one, dx2), dy2), g.scalar(EYE_SHARPNESS)));
            eye = eye == null ? one : g.op("Max", eye, one);
        }
        String depth = g.op("Div", g.op("Sub", v, g.scalar(EYE_Y - EYE_RY)), g.scalar(2 * EYE_RY));
        return g.op("Mul", clip01(g.op("Mul", g.op("Sub", blink, depth), g.scalar(LID_SHARPNESS))), eye);
    }

    private String wave(String twoPiT, float period, float phase, float amplitude, String pose) {
        return g.op("Mul", g.op("Mul", g.op("Sin", g.op("Add", g.op("Div", twoPiT, g.scalar(period)), g.scalar(phase))),
                g.scalar(amplitude)), pose);
    }

    /** Feature {@code i} of {@code [B, F, 3]} as {@code [B, F, 1, 1]}. */
    private String feature(String feat, int i) {
        return g.op("Unsqueeze", g.op("Slice", feat, g.longs(i), g.longs(i + 1), g.longs(2)), g.longs(3));
    }

    /** The {@code index}-th image of three channels in the reference features. */
    private String channels(String refFeat, int index) {
        return g.op("Slice", refFeat, g.longs(C * index), g.longs(C * index + C), g.longs(1));
    }

    /**
     * Bilinear, border-clamped samples of {@code image} {@code [1, 3, R, R]} through {@code grid}
     * {@code [N, h, w, 2]} over {@code window}, returned as {@code leading ++ [3, h, w]} where
     * {@code leading} multiplies to N.
     */
    private String sample(String image, String grid, String leading, Window window) {
        String n = g.op("Slice", g.op("Shape", grid), g.longs(0), g.longs(1), g.longs(0));
        String images = g.op("Expand", image, g.op("Concat", List.of(Attr.of("axis", 0)), n, g.longs(1, 1, 1)));
        String sampled = g.op("GridSample", List.of(Attr.of("mode", "bilinear"), Attr.of("padding_mode", "border"),
                Attr.of("align_corners", 0)), images, grid);
        return g.op("Reshape", sampled, g.op("Concat", List.of(Attr.of("axis", 0)), leading, g.longs(C, window.h(), window.w())));
    }

    private String pick(String vector, int i) {
        return g.op("Gather", List.of(Attr.of("axis", 0)), vector, g.constantLong(new long[] {i}));
    }

    /** Crop units to grid units, with a trailing axis for the grid's (x, y) pair. */
    private String toGrid(String crop) {
        return g.op("Unsqueeze", g.op("Sub", g.op("Mul", crop, g.scalar(2f)), one), g.longs(-1));
    }

    private String smoothstep(String t) {
        String c = clip01(t);
        return g.op("Mul", sq(c), g.op("Sub", g.scalar(3f), g.op("Mul", c, g.scalar(2f))));
    }

    private String clip01(String x) {
        return g.op("Clip", x, zero, one);
    }

    private String sq(String x) {
        return g.op("Mul", x, x);
    }

    private String col(String x) {
        return g.op("Unsqueeze", x, g.longs(1));
    }

    /** (x, y) of every pixel centre of the box in grid units. */
    private float[] boxPositions() {
        float[] b = boxGrid(), p = new float[b.length / 3 * 2];
        for (int i = 0, j = 0; i < b.length; i += 3) {
            p[j++] = b[i];
            p[j++] = b[i + 1];
        }
        return p;
    }

    /** How much of the head's sway each pixel of the box follows: 1 in the head's ellipse, fading out beyond. */
    private float[] headWeights() {
        float[] w = new float[box.h() * box.w()];
        int i = 0;
        for (int y = box.y0; y < box.y1; y++) {
            for (int x = box.x0; x < box.x1; x++) {
                double du = ((x + 0.5) / r - HEAD_X) / HEAD_RX, dv = ((y + 0.5) / r - HEAD_Y) / HEAD_RY;
                double t = Math.max(0, Math.min(1, (Math.sqrt(du * du + dv * dv) - 1) / HEAD_FALLOFF));
                w[i++] = (float) (1 - t * t * (3 - 2 * t));
            }
        }
        return w;
    }

    /** (x, y, 1) of every pixel centre of the box in grid units, align_corners = 0. */
    private float[] boxGrid() {
        float[] b = new float[box.h() * box.w() * 3];
        int i = 0;
        for (int y = box.y0; y < box.y1; y++) {
            for (int x = box.x0; x < box.x1; x++) {
                b[i++] = (2 * x + 1) / (float) r - 1;
                b[i++] = (2 * y + 1) / (float) r - 1;
                b[i++] = 1;
            }
        }
        return b;
    }
}
