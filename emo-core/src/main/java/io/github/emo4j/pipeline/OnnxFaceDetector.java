package io.github.emo4j.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.face.Resample;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.TensorSpec;
import io.github.emo4j.PackException;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Optional;

/**
 * A face detector a pack ships as its {@code face_detector} component. Contract: input {@code image},
 * {@code [1, 3, H, W]} RGB in [0, 1] with fixed H and W (the portrait is resized to fit, without
 * keeping its aspect); output {@code boxes}, {@code [N, 5]} rows of (x0, y0, x1, y1, score) in
 * coordinates normalised to [0, 1]. The best box scoring at least {@value #MIN_SCORE} wins.
 */
final class OnnxFaceDetector implements FaceDetector {

    static final float MIN_SCORE = 0.5f;

    private final OnnxComponent model;
    private final int width;
    private final int height;

    OnnxFaceDetector(OnnxComponent model) {
        this.model = model;
        TensorSpec in = model.spec().input(Contract.IMAGE);
        if (in.rank() != 4 || in.dim(1) != 3 || in.dim(2) < 16 || in.dim(3) < 16) {
            throw new PackException("face_detector input 'image' must be [1, 3, H, W] with fixed H and W, not "
                    + in.shape());
        }
        this.height = (int) in.dim(2);
        this.width = (int) in.dim(3);
    }

    @Override
    public Optional<FaceBox> detect(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        float[] plane = new float[w * h];
        float[] input = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int i = 0; i < plane.length; i++) {
                plane[i] = (px[i] >> shift & 0xFF) / 255f;
            }
            float[] r = Resample.resize(plane, w, h, width, height);
            System.arraycopy(r, 0, input, c * width * height, r.length);
        }
        float[] boxes;
        try (OnnxTensor t = FloatTensor.of(input, 1, 3, height, width).toOnnx()) {
            boxes = model.runToArray(Map.of(Contract.IMAGE, t), Contract.BOXES);
        } catch (OrtException e) {
            throw new PackException(model.name() + ": " + e.getMessage(), e);
        }
        for (float v : boxes) {
            if (!Float.isFinite(v)) {
                throw new PackException(model.name() + ": output 'boxes' holds NaN or infinite values");
            }
        }
        if (boxes.length % 5 != 0) {
            throw new PackException(model.name() + ": output 'boxes' has " + boxes.length + " values, not rows of 5");
        }
        int best = -1;
        for (int i = 0; i < boxes.length / 5; i++) {
            float score = boxes[5 * i + 4];
            if (score >= MIN_SCORE && (best < 0 || score > boxes[5 * best + 4])) {
                best = i;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        double x0 = clamp(boxes[5 * best]) * w, y0 = clamp(boxes[5 * best + 1]) * h;
        double x1 = clamp(boxes[5 * best + 2]) * w, y1 = clamp(boxes[5 * best + 3]) * h;
        int bx = (int) Math.floor(x0), by = (int) Math.floor(y0);
        int bw = (int) Math.ceil(x1) - bx, bh = (int) Math.ceil(y1) - by;
        if (bw < 1 || bh < 1) {
            return Optional.empty();
        }
        return Optional.of(new FaceBox(bx, by, Math.min(bw, w - bx), Math.min(bh, h - by)));
    }

    private static double clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }
}
