package io.github.emo4j.face;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the generated face lives inside the portrait: a square window centred on the face box and
 * {@value #CROP_TO_FACE} times its size, so the head has room to move and hair and chin are included.
 * The window is sampled to the model's {@code resolution}; parts of it that fall outside the portrait
 * repeat the portrait's edge. In crop coordinates (0..1) the face box spans
 * {@code [FACE_MIN, FACE_MAX]} on both axes, whatever the portrait; a crop around a detected face is
 * placed by its keypoints instead, so that the eyes and the mouth land at {@link #EYE_Y} and
 * {@link #MOUTH_Y}. Either way a model knows where mouth and eyes are.
 *
 * @param face       the face box in portrait pixels
 * @param x0         left edge of the crop in portrait pixels (may be negative)
 * @param y0         top edge of the crop in portrait pixels (may be negative)
 * @param side       side of the crop in portrait pixels
 * @param resolution side of the model's square frame
 * @param keypoints  the detector's six keypoints in portrait pixels (see {@link DetectedFace}), or none;
 *                   with them the lip mask is centred on the mouth and sized from the eyes' distance, and
 *                   the face mask covers the keypoints' hull
 * @param angle      how far the crop is turned, radians, clockwise on screen: the crop's x axis runs along
 *                   {@code (cos angle, sin angle)} in the portrait, so that a face tilted by the angle is
 *                   level in the crop; {@code (x0, y0)} is then where the crop's top-left corner lies
 */
public record FaceCrop(FaceBox face, double x0, double y0, double side, int resolution, List<DetectedFace.Point> keypoints,
                       double angle) {

    /** Crop side over the face box side. */
    public static final double CROP_TO_FACE = 2.0;
    /** Where the face box lies in normalised crop coordinates. */
    public static final double FACE_MIN = 0.5 - 0.5 / CROP_TO_FACE;
    /** Where the face box ends in normalised crop coordinates. */
    public static final double FACE_MAX = 0.5 + 0.5 / CROP_TO_FACE;
    /** Where the mouth sits in crop coordinates (the face box spans [FACE_MIN, FACE_MAX]). */
    public static final float MOUTH_X = 0.49f;
    /** Where the mouth sits vertically in crop coordinates. */
    public static final float MOUTH_Y = 0.665f;
    /** Where the person's right eye (the image's left) sits horizontally in crop coordinates. */
    public static final float RIGHT_EYE_X = 0.377f;
    /** Where the person's left eye sits horizontally in crop coordinates. */
    public static final float LEFT_EYE_X = 0.612f;
    /** Where the eyes sit vertically in crop coordinates. */
    public static final float EYE_Y = 0.452f;
    /** Width of the feathered border, as a fraction of the crop side. */
    private static final double FEATHER = 0.12;

    /**
     * Checks the crop.
     *
     * @param face       the face box it is built around
     * @param x0         left edge of the square in portrait pixels (may lie outside the portrait)
     * @param y0         top edge of the square in portrait pixels
     * @param side       the square's side in portrait pixels
     * @param resolution the side the networks see, pixels
     * @param keypoints  six keypoints in portrait pixels, or none
     * @param angle      the crop's turn in the portrait, radians
     * @throws IllegalArgumentException if the side or resolution is not positive, the angle not finite, or
     *                                  there are keypoints but not six
     */
    public FaceCrop {
        if (resolution < 8 || side <= 0 || !Double.isFinite(angle)) {
            throw new IllegalArgumentException("invalid crop: side " + side + ", resolution " + resolution);
        }
        keypoints = List.copyOf(keypoints);
        if (!keypoints.isEmpty() && keypoints.size() != DetectedFace.KEYPOINT_NAMES.size()) {
            throw new IllegalArgumentException("a crop takes six keypoints or none, not " + keypoints.size());
        }
    }

    /**
     * A crop without keypoints: the masks are placed by fractions of the face box.
     *
     * @param face       the face box in portrait pixels
     * @param x0         left edge of the crop in portrait pixels (may be negative)
     * @param y0         top edge of the crop in portrait pixels (may be negative)
     * @param side       side of the crop in portrait pixels
     * @param resolution side of the model's square frame
     */
    public FaceCrop(FaceBox face, double x0, double y0, double side, int resolution) {
        this(face, x0, y0, side, resolution, List.of(), 0);
    }

    /**
     * Where crop coordinates {@code (u, v)} (0..1 across the crop) lie in the portrait.
     *
     * @param u across the crop, 0 at its left edge
     * @param v down the crop, 0 at its top edge
     * @return the portrait point
     */
    public DetectedFace.Point toPortrait(double u, double v) {
        double c = Math.cos(angle), s = Math.sin(angle);
        return new DetectedFace.Point(x0 + side * (u * c - v * s), y0 + side * (u * s + v * c));
    }

    /**
     * Where a portrait point lies in crop coordinates.
     *
     * @param x portrait pixels from the left
     * @param y portrait pixels from the top
     * @return {@code {u, v}}, each 0..1 inside the crop
     */
    public double[] toCrop(double x, double y) {
        double c = Math.cos(angle), s = Math.sin(angle), dx = x - x0, dy = y - y0;
        return new double[] {(dx * c + dy * s) / side, (-dx * s + dy * c) / side};
    }

    /**
     * Whether a portrait point lies inside the crop.
     *
     * @param x portrait pixels from the left
     * @param y portrait pixels from the top
     * @return true inside the (possibly turned) square
     */
    public boolean contains(double x, double y) {
        double[] uv = toCrop(x, y);
        return uv[0] >= 0 && uv[0] < 1 && uv[1] >= 0 && uv[1] < 1;
    }

    /**
     * The crop around a face, {@value #CROP_TO_FACE} times its larger side, at the model's resolution.
     *
     * @param face       the face box
     * @param resolution the side the networks see, pixels
     * @return the crop
     */
    public static FaceCrop around(FaceBox face, int resolution) {
        double side = CROP_TO_FACE * Math.max(face.width(), face.height());
        return new FaceCrop(face, face.centerX() - side / 2, face.centerY() - side / 2, side, resolution);
    }

    /**
     * The crop around a detected face, placed by its keypoints: turned so that the eyes are level, and of
     * the size and position that map the eyes and the mouth closest (least squares) to {@link #RIGHT_EYE_X}, {@link #LEFT_EYE_X},
     * {@link #EYE_Y} and {@link #MOUTH_X}, {@link #MOUTH_Y}, so that a pack finds them where it expects
     * them whatever the detector's box. Without keypoints, or if the fit is implausible, the crop is
     * placed by the box. The keypoints are kept for the masks.
     *
     * @param face       the detected face
     * @param resolution the side the networks see, pixels
     * @return the crop
     */
    public static FaceCrop around(DetectedFace face, int resolution) {
        FaceCrop byBox = around(face.box(), resolution);
        if (face.keypoints().isEmpty()) {
            return byBox;
        }
        DetectedFace.Point right = face.keypoints().get(0), left = face.keypoints().get(1);
        double angle = Math.atan2(left.y() - right.y(), left.x() - right.x());
        double c = Math.cos(angle), sn = Math.sin(angle);
        double[][] at = {{RIGHT_EYE_X, EYE_Y}, {LEFT_EYE_X, EYE_Y}, {MOUTH_X, MOUTH_Y}};
        DetectedFace.Point[] seen = {right, left, face.keypoints().get(3)};
        double[][] turned = new double[3][];
        double qx = 0, qy = 0, px = 0, py = 0;
        for (int i = 0; i < 3; i++) {
            turned[i] = new double[] {at[i][0] * c - at[i][1] * sn, at[i][0] * sn + at[i][1] * c};
            qx += turned[i][0] / 3;
            qy += turned[i][1] / 3;
            px += seen[i].x() / 3;
            py += seen[i].y() / 3;
        }
        double dot = 0, norm = 0;
        for (int i = 0; i < 3; i++) {
            double ux = turned[i][0] - qx, uy = turned[i][1] - qy;
            dot += ux * (seen[i].x() - px) + uy * (seen[i].y() - py);
            norm += ux * ux + uy * uy;
        }
        double side = dot / norm;
        if (!(side > byBox.side() / 2 && side < byBox.side() * 2) || Math.abs(angle) > Math.PI / 4) {
            return new FaceCrop(byBox.face(), byBox.x0(), byBox.y0(), byBox.side(), resolution, face.keypoints(), 0);
        }
        return new FaceCrop(face.box(), px - side * qx, py - side * qy, side, resolution, face.keypoints(), angle);
    }

    /**
     * The crop of an image as planar RGB in [0, 1].
     *
     * @param img the portrait
     * @return {@code [3][resolution][resolution]} flattened
     */
    public float[] extract(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        float[] plane = new float[w * h];
        int n = resolution * resolution;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int i = 0; i < plane.length; i++) {
                plane[i] = (px[i] >> shift & 0xFF) / 255f;
            }
            float[] r = angle == 0 ? Resample.window(plane, w, h, x0, y0, side, resolution) : turned(plane, w, h);
            System.arraycopy(r, 0, out, c * n, n);
        }
        return out;
    }

    /**
     * The turned crop of one plane: the plane is first shrunk (area-averaged) to the crop's scale, so
     * that sampling it bilinearly along the turned grid skips no pixels; outside, the edge repeats.
     */
    private float[] turned(float[] plane, int w, int h) {
        double scale = Math.min(1, resolution / side);
        int sw = Math.max(1, (int) Math.round(w * scale)), sh = Math.max(1, (int) Math.round(h * scale));
        float[] small = scale < 1 ? Resample.resize(plane, w, h, sw, sh) : plane;
        double kx = sw / (double) w, ky = sh / (double) h;
        float[] out = new float[resolution * resolution];
        for (int j = 0; j < resolution; j++) {
            for (int i = 0; i < resolution; i++) {
                DetectedFace.Point p = toPortrait((i + 0.5) / resolution, (j + 0.5) / resolution);
                out[j * resolution + i] = bilinear(small, sw, sh, p.x() * kx - 0.5, p.y() * ky - 0.5);
            }
        }
        return out;
    }

    private static float bilinear(float[] p, int w, int h, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        float fx = (float) (x - x0), fy = (float) (y - y0);
        int xa = Math.max(0, Math.min(w - 1, x0)), xb = Math.max(0, Math.min(w - 1, x0 + 1));
        int ya = Math.max(0, Math.min(h - 1, y0)), yb = Math.max(0, Math.min(h - 1, y0 + 1));
        float top = p[ya * w + xa] + (p[ya * w + xb] - p[ya * w + xa]) * fx;
        float bottom = p[yb * w + xa] + (p[yb * w + xb] - p[yb * w + xa]) * fx;
        return top + (bottom - top) * fy;
    }

    /**
     * Where the face may move, as a soft ellipse around the face box with room for head motion: the face
     * locator's input.
     *
     * @return {@code resolution²} weights in [0, 1]
     */
    public float[] regionMask() {
        return regionMask(resolution);
    }

    /**
     * {@link #regionMask()} on a {@code side}×{@code side} grid.
     *
     * @param side the grid's side
     * @return {@code side²} weights in [0, 1]
     */
    public float[] regionMask(int side) {
        return ellipse(side, 0.5, 0.54, 0.34, 0.42, 0.06);
    }

    /**
     * The face, softly edged, on a {@code side}×{@code side} grid: the keypoints' hull grown by a third of
     * the eyes' distance when the crop has keypoints, else an ellipse in the face box.
     *
     * @param side the grid's side
     * @return {@code side²} weights in [0, 1]
     */
    public float[] faceMask(int side) {
        if (keypoints.isEmpty()) {
            return ellipse(side, 0.5, 0.5, 0.27, 0.29, 0.05);
        }
        double[][] hull = hull(side);
        double grow = 0.35 * eyeDistance(side);
        float[] m = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double d = outside(hull, x + 0.5, y + 0.5);
                m[y * side + x] = (float) smoothstep(grow + 0.1 * grow, grow - 0.1 * grow, d);
            }
        }
        return m;
    }

    /**
     * The lips and their surroundings, on a {@code side}×{@code side} grid: an ellipse on the mouth
     * keypoint, as wide as the eyes are apart, when the crop has keypoints, else where mouths usually are.
     *
     * @param side the grid's side
     * @return {@code side²} weights in [0, 1]
     */
    public float[] lipMask(int side) {
        if (keypoints.isEmpty()) {
            return ellipse(side, MOUTH_X, MOUTH_Y, 0.09, 0.06, 0.25);
        }
        double eyes = eyeDistance(side) / side;
        DetectedFace.Point mouth = keypoints.get(3);
        double[] m = toCrop(mouth.x(), mouth.y());
        return ellipse(side, m[0], m[1], 0.5 * eyes, 0.3 * eyes, 0.25);
    }

    /** The distance between the eyes, on a {@code side}-pixel grid. */
    private double eyeDistance(int grid) {
        DetectedFace.Point r = keypoints.get(0), l = keypoints.get(1);
        return Math.hypot(l.x() - r.x(), l.y() - r.y()) / side * grid;
    }

    /** The keypoints' convex hull on a {@code grid}-pixel grid, counter-clockwise (Andrew's monotone chain). */
    private double[][] hull(int grid) {
        List<double[]> p = new ArrayList<>();
        for (DetectedFace.Point k : keypoints) {
            double[] uv = toCrop(k.x(), k.y());
            p.add(new double[] {uv[0] * grid, uv[1] * grid});
        }
        p.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        double[][] h = new double[2 * p.size()][];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            int start = n;
            for (int i = 0; i < p.size(); i++) {
                double[] q = p.get(pass == 0 ? i : p.size() - 1 - i);
                while (n >= start + 2 && cross(h[n - 2], h[n - 1], q) <= 0) {
                    n--;
                }
                h[n++] = q;
            }
            n--;
        }
        return Arrays.copyOf(h, n);
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** How far (x, y) lies outside a counter-clockwise convex polygon: the largest distance past an edge's line. */
    private static double outside(double[][] hull, double x, double y) {
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < hull.length; i++) {
            double[] a = hull[i], b = hull[(i + 1) % hull.length];
            double ex = b[0] - a[0], ey = b[1] - a[1];
            double len = Math.hypot(ex, ey);
            if (len > 0) {
                worst = Math.max(worst, ((x - a[0]) * ey - (y - a[1]) * ex) / len);
            }
        }
        return worst;
    }

    private static float[] ellipse(int side, double cx, double cy, double rx, double ry, double soft) {
        float[] m = new float[side * side];
        for (int y = 0; y < side; y++) {
            double v = ((y + 0.5) / side - cy) / ry;
            for (int x = 0; x < side; x++) {
                double u = ((x + 0.5) / side - cx) / rx;
                double d = Math.sqrt(u * u + v * v);
                m[y * side + x] = (float) smoothstep(1 + soft, 1 - soft, d);
            }
        }
        return m;
    }

    /**
     * Paste-back weights: 1 inside, falling smoothly to 0 at the crop's border.
     *
     * @return {@code resolution²} weights in [0, 1]
     */
    public float[] featherMask() {
        float[] m = new float[resolution * resolution];
        for (int y = 0; y < resolution; y++) {
            double fy = edge((y + 0.5) / resolution);
            for (int x = 0; x < resolution; x++) {
                m[y * resolution + x] = (float) (fy * edge((x + 0.5) / resolution));
            }
        }
        return m;
    }

    private static double edge(double t) {
        return smoothstep(0, FEATHER, Math.min(t, 1 - t));
    }

    private static double smoothstep(double e0, double e1, double x) {
        double t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
        return t * t * (3 - 2 * t);
    }
}
