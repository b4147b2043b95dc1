package io.github.emo4j.pipeline;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.NoFaceException;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.face.FaceSelector;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.video.compose.Compositor;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Where in the portrait the pack works: the face box, the square crop around it at the pack's
 * resolution (the reference image every network sees), and the compositor that pastes generated crops
 * back into the full portrait.
 *
 * @param face            the face box in portrait pixels
 * @param crop            the square around it, resampled to the pack's resolution
 * @param referencePixels the crop of the portrait, {@code [3][R][R]} in [0, 1]
 * @param compositor      pastes generated crops back into the portrait
 */
record PortraitFraming(FaceBox face, FaceCrop crop, float[] referencePixels, Compositor compositor) {

    /** Frames {@code portrait} at {@code resolution} around {@code given}, or around the face {@code detector} finds. */
    static PortraitFraming of(BufferedImage portrait, FaceBox given, FaceDetector detector, FaceSelector selector,
                              int resolution) {
        FaceCrop crop;
        if (given != null) {
            crop = FaceCrop.around(locate(portrait, given, detector), resolution);
        } else {
            // the detector's keypoints place the crop and the lip and face masks
            List<DetectedFace> faces = detector.detectAll(portrait);
            if (faces.isEmpty()) {
                throw noFace();
            }
            DetectedFace face = selector.choose(faces).orElseThrow(() -> new NoFaceException(faces.size()
                    + (faces.size() == 1 ? " face was" : " faces were") + " found in the portrait, but the face selector "
                    + "chose none; give the face's position with --face X,Y,W,H"));
            crop = FaceCrop.around(face, resolution);
        }
        return new PortraitFraming(crop.face(), crop, crop.extract(portrait), new Compositor(portrait, crop));
    }

    /** This framing with the reference crop the request gives, if it gives one ({@code [1, 3, R, R]}). */
    PortraitFraming withGivenCrop(GivenInputs given, int resolution) {
        FloatTensor t = given.take("face_crop", new long[] {1, 3, resolution, resolution});
        if (t == null) {
            return this;
        }
        float[] pixels = new float[t.size()];
        t.get(0, pixels, 0, pixels.length);
        return new PortraitFraming(face, crop, pixels, compositor);
    }

    private static NoFaceException noFace() {
        return new NoFaceException("no face found in the portrait; give its position with --face X,Y,W,H");
    }

    /** The face box a render of {@code portrait} uses: {@code given} when it is usable, else the detected one. */
    static FaceBox locate(BufferedImage portrait, FaceBox given, FaceDetector detector) {
        if (given != null) {
            if (!given.fitsIn(portrait.getWidth(), portrait.getHeight())) {
                throw new InvalidInputException("face box " + given + " does not lie inside the "
                        + portrait.getWidth() + "x" + portrait.getHeight() + " portrait");
            }
            if (given.width() < 16 || given.height() < 16) {
                throw new InvalidInputException("face box " + given + " is too small (at least 16x16 pixels)");
            }
            return given;
        }
        return detector.detect(portrait).orElseThrow(PortraitFraming::noFace);
    }
}
