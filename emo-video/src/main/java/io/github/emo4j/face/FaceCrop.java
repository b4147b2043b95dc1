package io.github.emo4j.face;

import java.awt.image.BufferedImage;

/**
 * Where the generated face lives inside the portrait: a square window centred on the face box and
 * {@value #CROP_TO_FACE} times its size, so the head has room to move and hair and chin are included.
 * The window is sampled to the model's {@code resolution}; parts of it that fall outside the portrait
 * repeat the portrait's edge. In crop coordinates (0..1) the face box always spans
 * {@code [FACE_MIN, FACE_MAX]} on both axes, whatever the portrait, which is what lets a model place
 * mouth and eyes.
 *
 * @param face       the face box in portrait pixels
 * @param x0         left edge of the crop in portrait pixels (may be negative)
 * @param y0         top edge of the crop in portrait pixels (may be negative)
 * @param side       side of the crop in portrait pixels
 * @param resolution side of the model's square frame
 */
public record FaceCrop(FaceBox face, double x0, double y0, double side, int resolution) {

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
     * @throws IllegalArgumentException if the side or resolution is not positive
     */
    public FaceCrop {
        if (resolution < 8 || side <= 0) {
            throw new IllegalArgumentException("invalid crop: side " + side + ", resolution " + resolution);
        }
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
            float[] r = Resample.window(plane, w, h, x0, y0, side, resolution);
            System.arraycopy(r, 0, out, c * n, n);
        }
        return out;
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
     * The face box itself, softly edged, on a {@code side}×{@code side} grid.
     *
     * @param side the grid's side
     * @return {@code side²} weights in [0, 1]
     */
    public float[] faceMask(int side) {
        return ellipse(side, 0.5, 0.5, 0.27, 0.29, 0.05);
    }

    /**
     * The lips and their surroundings, on a {@code side}×{@code side} grid.
     *
     * @param side the grid's side
     * @return {@code side²} weights in [0, 1]
     */
    public float[] lipMask(int side) {
        return ellipse(side, MOUTH_X, MOUTH_Y, 0.09, 0.06, 0.25);
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
