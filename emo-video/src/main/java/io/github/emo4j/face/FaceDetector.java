package io.github.emo4j.face;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/** Finds the main face of a portrait. Implementations are thread-safe. */
public interface FaceDetector {

    /**
     * The largest frontal face in an image.
     *
     * @param image the portrait
     * @return the face box, or empty when there is none
     */
    Optional<FaceBox> detect(BufferedImage image);

    /**
     * Every face in an image, in the order a render chooses them: the largest first. Detectors that
     * find only one face, or give no keypoints, answer with that one, its score 1 and no keypoints.
     *
     * @param image the portrait
     * @return the faces, possibly none
     */
    default List<DetectedFace> detectAll(BufferedImage image) {
        return detect(image).map(box -> List.of(new DetectedFace(box, 1, List.of()))).orElse(List.of());
    }

    /**
     * A detector that always answers with the caller's box.
     *
     * @param box the box
     * @return the detector
     */
    static FaceDetector fixed(FaceBox box) {
        return image -> Optional.of(box);
    }
}
