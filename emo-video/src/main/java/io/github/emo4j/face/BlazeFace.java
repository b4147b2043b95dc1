package io.github.emo4j.face;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * MediaPipe's BlazeFace detectors, decoded in Java: the bundled models, the SSD anchors, the
 * regressors' boxes and six keypoints, MediaPipe's weighted non-maximum suppression, and a scan that
 * finds faces of any size. The networks themselves are run by the caller (emo-core, on ONNX Runtime),
 * through {@link Network}.
 *
 * <p>A scan runs both models on the whole image, letterboxed to their square input, and, for images
 * larger than the full-range model's input, the full-range model on a pyramid of overlapping square
 * tiles whose side doubles from 256 pixels up to the image's size. A face is found at the level where
 * it spans 20 to 70 per cent of a tile, so a 33-pixel face in a 1600×1200 photo is found by a
 * 256-pixel tile, where it is as large as it would be in a 256-pixel selfie.
 */
public final class BlazeFace {
    /** The two models, as MediaPipe names them. */
    public enum Model {
        /** short range, 128×128: faces that fill much of the frame */
        FRONT(128, new int[] {8, 16, 16, 16}, "face_detection_front_128x128.onnx"),
        /** full range, 256×256: faces farther away */
        BACK(256, new int[] {16, 32, 32, 32}, "face_detection_back_256x256.onnx");

        private final int size;
        private final float[] anchors;
        private final String file;

        Model(int size, int[] strides, String file) {
            this.size = size;
            this.anchors = anchors(size, strides);
            this.file = file;
        }

        /**
         * The model's square input side.
         *
         * @return pixels
         */
        public int size() {
            return size;
        }

        /**
         * The ONNX graph, bundled with emo-video.
         *
         * @return the model's bytes
         */
        public byte[] onnx() {
            try (InputStream in = BlazeFace.class.getResourceAsStream("blazeface/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("BlazeFace model " + file + " is missing from the emo-video jar");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Runs a model on one input. */
    @FunctionalInterface
    public interface Network {
        /**
         * Runs {@code model} on an {@code [S, S, 3]} RGB image in [-1, 1].
         *
         * @param model the model
         * @param input {@code S·S·3} values, row-major, channels last
         * @return the four outputs: scores of the 512 and the 384 anchors, then their 16 regressors each
         */
        float[][] run(Model model, float[] input);
    }

    /** Anchors whose score reaches this are kept for suppression; the caller's threshold decides after. */
    static final float CANDIDATE_SCORE = 0.3f;
    /** Boxes overlapping more than this are one face (MediaPipe's value). */
    static final double SAME_FACE_IOU = 0.3;
    /** The smallest tile side scanned, in image pixels. */
    static final int SMALLEST_TILE = 256;
    /**
     * Longer sides above this are scanned on a copy shrunk to it: a 12-megapixel photo then costs what
     * a 2-megapixel one does, and its smallest findable face is about 80 pixels wide instead of 33.
     */
    static final int LARGEST_SCAN = 1600;

    private final double minScore;

    /**
     * A scanner keeping faces whose score reaches {@code minScore}.
     *
     * @param minScore the score a face needs, 0 to 1
     */
    public BlazeFace(double minScore) {
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("a score threshold lies in [0, 1]: " + minScore);
        }
        this.minScore = minScore;
    }

    /**
     * Every face in {@code image} whose score reaches the threshold, largest first.
     *
     * @param image   the portrait, upright
     * @param network runs the models
     * @return the faces, in the order a render chooses them
     */
    public List<DetectedFace> detect(BufferedImage image, Network network) {
        double shrink = Math.min(1, LARGEST_SCAN / (double) Math.max(image.getWidth(), image.getHeight()));
        List<DetectedFace> faces = scan(shrink < 1 ? shrunk(image, shrink) : image, network);
        if (shrink < 1) {
            faces = faces.stream().map(f -> scaled(f, 1 / shrink, image.getWidth(), image.getHeight())).toList();
        }
        return faces;
    }

    private List<DetectedFace> scan(BufferedImage image, Network network) {
        int w = image.getWidth(), h = image.getHeight();
        List<float[]> candidates = new ArrayList<>();
        int side = Math.max(w, h);
        for (Model m : Model.values()) {
            pass(image, network, m, (w - side) / 2.0, (h - side) / 2.0, side, candidates);
        }
        for (int tile = SMALLEST_TILE; tile < side; tile *= 2) {
            double stride = tile * 0.75;
            for (double y = 0; y < h; y += stride) {
                for (double x = 0; x < w; x += stride) {
                    pass(image, network, Model.BACK, Math.min(x, Math.max(0, w - tile)), Math.min(y, Math.max(0, h - tile)),
                            tile, candidates);
                    if (x + tile >= w) {
                        break;
                    }
                }
                if (y + tile >= h) {
                    break;
                }
            }
        }
        List<DetectedFace> faces = new ArrayList<>();
        for (float[] c : suppress(candidates)) {
            if (c[0] >= minScore) {
                faces.add(face(c, w, h));
            }
        }
        faces.sort(Comparator.comparingLong(DetectedFace::area).reversed());
        return faces;
    }

    /**
     * Runs {@code model} on the square {@code [x0, x0+side)²} of {@code image} (outside it, black) and
     * adds the anchors it scores to {@code out} in image coordinates: score, box centre and size, then
     * six keypoints.
     */
    private static void pass(BufferedImage image, Network network, Model model, double x0, double y0, double side,
                             List<float[]> out) {
        int s = model.size();
        BufferedImage square = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = square.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        double scale = s / side;
        AffineTransform t = AffineTransform.getScaleInstance(scale, scale);
        t.translate(-x0, -y0);
        g.drawImage(image, t, null);
        g.dispose();
        int[] px = square.getRGB(0, 0, s, s, null, 0, s);
        float[] input = new float[s * s * 3];
        for (int i = 0; i < px.length; i++) {
            input[3 * i] = (px[i] >> 16 & 0xFF) / 127.5f - 1;
            input[3 * i + 1] = (px[i] >> 8 & 0xFF) / 127.5f - 1;
            input[3 * i + 2] = (px[i] & 0xFF) / 127.5f - 1;
        }
        float[][] o = network.run(model, input);
        decode(model, o[0], o[1], o[2], o[3], x0, y0, side, out);
    }

    /** Anchor centres in [0, 1], two per cell at the first stride, six per cell (three layers) at the second. */
    private static float[] anchors(int size, int[] strides) {
        List<float[]> a = new ArrayList<>();
        int layer = 0;
        while (layer < strides.length) {
            int stride = strides[layer];
            int same = 0;
            while (layer < strides.length && strides[layer] == stride) {
                same++;
                layer++;
            }
            int cells = size / stride;
            for (int y = 0; y < cells; y++) {
                for (int x = 0; x < cells; x++) {
                    for (int k = 0; k < 2 * same; k++) {
                        a.add(new float[] {(x + 0.5f) / cells, (y + 0.5f) / cells});
                    }
                }
            }
        }
        float[] flat = new float[2 * a.size()];
        for (int i = 0; i < a.size(); i++) {
            flat[2 * i] = a.get(i)[0];
            flat[2 * i + 1] = a.get(i)[1];
        }
        return flat;
    }

    /**
     * Decodes the anchors whose score reaches {@link #CANDIDATE_SCORE}: the regressors are offsets in
     * input pixels from the anchor's centre (box centre, box size, then six keypoints), mapped back
     * through the pass's square {@code [x0, x0+side)²}.
     */
    static void decode(Model model, float[] scores0, float[] scores1, float[] reg0, float[] reg1, double x0, double y0,
                       double side, List<float[]> out) {
        int first = scores0.length;
        int s = model.size();
        for (int i = 0; i < first + scores1.length; i++) {
            float logit = i < first ? scores0[i] : scores1[i - first];
            float score = (float) (1 / (1 + Math.exp(-Math.max(-100, Math.min(100, logit)))));
            if (!(score >= CANDIDATE_SCORE)) {
                continue;
            }
            float[] reg = i < first ? reg0 : reg1;
            int at = (i < first ? i : i - first) * 16;
            float ax = model.anchors[2 * i], ay = model.anchors[2 * i + 1];
            float[] c = new float[17];
            c[0] = score;
            c[1] = (float) (x0 + (reg[at] / s + ax) * side);
            c[2] = (float) (y0 + (reg[at + 1] / s + ay) * side);
            c[3] = (float) (reg[at + 2] / s * side);
            c[4] = (float) (reg[at + 3] / s * side);
            for (int k = 0; k < 6; k++) {
                c[5 + 2 * k] = (float) (x0 + (reg[at + 4 + 2 * k] / s + ax) * side);
                c[6 + 2 * k] = (float) (y0 + (reg[at + 5 + 2 * k] / s + ay) * side);
            }
            if (c[3] > 0 && c[4] > 0 && Float.isFinite(c[1] + c[2] + c[3] + c[4])) {
                out.add(c);
            }
        }
    }

    /**
     * MediaPipe's weighted non-maximum suppression: from the best remaining candidate, every candidate
     * overlapping it by more than {@link #SAME_FACE_IOU} is one face, whose box and keypoints are their
     * score-weighted mean, with the best one's score.
     */
    static List<float[]> suppress(List<float[]> candidates) {
        List<float[]> left = new ArrayList<>(candidates);
        left.sort((a, b) -> Float.compare(b[0], a[0]));
        List<float[]> faces = new ArrayList<>();
        while (!left.isEmpty()) {
            float[] best = left.get(0);
            float[] sum = new float[17];
            double weight = 0;
            List<float[]> rest = new ArrayList<>();
            for (float[] c : left) {
                if (iou(best, c) > SAME_FACE_IOU) {
                    for (int k = 1; k < 17; k++) {
                        sum[k] += c[0] * c[k];
                    }
                    weight += c[0];
                } else {
                    rest.add(c);
                }
            }
            for (int k = 1; k < 17; k++) {
                sum[k] /= (float) weight;
            }
            sum[0] = best[0];
            faces.add(sum);
            left = rest;
        }
        return faces;
    }

    private static double iou(float[] a, float[] b) {
        double ix = Math.max(0, Math.min(a[1] + a[3] / 2, b[1] + b[3] / 2) - Math.max(a[1] - a[3] / 2, b[1] - b[3] / 2));
        double iy = Math.max(0, Math.min(a[2] + a[4] / 2, b[2] + b[4] / 2) - Math.max(a[2] - a[4] / 2, b[2] - b[4] / 2));
        double inter = ix * iy;
        return inter / (a[3] * a[4] + b[3] * b[4] - inter);
    }

    /** {@code image} scaled by {@code s} < 1, halving first so that bilinear sampling skips no pixels. */
    private static BufferedImage shrunk(BufferedImage image, double s) {
        BufferedImage img = image;
        double left = s;
        while (left < 0.5) {
            img = resized(img, Math.max(1, img.getWidth() / 2), Math.max(1, img.getHeight() / 2));
            left *= 2;
        }
        return resized(img, Math.max(1, (int) Math.round(image.getWidth() * s)), Math.max(1, (int) Math.round(image.getHeight() * s)));
    }

    private static BufferedImage resized(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** A face found on a shrunk copy, in the original's pixels. */
    private static DetectedFace scaled(DetectedFace f, double k, int w, int h) {
        FaceBox b = f.box();
        int x = (int) Math.floor(b.x() * k), y = (int) Math.floor(b.y() * k);
        int bw = (int) Math.min(w - x, Math.ceil(b.width() * k)), bh = (int) Math.min(h - y, Math.ceil(b.height() * k));
        return new DetectedFace(new FaceBox(x, y, Math.max(1, bw), Math.max(1, bh)), f.score(),
                f.keypoints().stream().map(p -> new DetectedFace.Point(p.x() * k, p.y() * k)).toList());
    }

    /** A suppressed candidate as a face box clipped to the image, with its keypoints. */
    private static DetectedFace face(float[] c, int w, int h) {
        int x = (int) Math.max(0, Math.floor(c[1] - c[3] / 2)), y = (int) Math.max(0, Math.floor(c[2] - c[4] / 2));
        int x1 = (int) Math.min(w, Math.ceil(c[1] + c[3] / 2)), y1 = (int) Math.min(h, Math.ceil(c[2] + c[4] / 2));
        List<DetectedFace.Point> points = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            points.add(new DetectedFace.Point(c[5 + 2 * k], c[6 + 2 * k]));
        }
        return new DetectedFace(new FaceBox(x, y, Math.max(1, x1 - x), Math.max(1, y1 - y)), c[0], points);
    }
}
