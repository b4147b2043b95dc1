package io.github.emo4j.face;

import java.util.List;

/**
 * A face a detector found: its box, its score and, where the detector gives them, six keypoints.
 *
 * @param box       the face box in portrait pixels
 * @param score     the detector's confidence, 0 to 1
 * @param keypoints right eye, left eye, nose tip, mouth centre, right ear, left ear (the person's right
 *                  and left), in portrait pixels; empty when the detector gives none
 */
public record DetectedFace(FaceBox box, double score, List<Point> keypoints) {

    /** Names of the keypoints, in order. */
    public static final List<String> KEYPOINT_NAMES = List.of("right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear");

    /**
     * A point in portrait pixels.
     *
     * @param x pixels from the left
     * @param y pixels from the top
     */
    public record Point(double x, double y) {
    }

    /**
     * Copies the keypoints.
     *
     * @param box       the face box in portrait pixels
     * @param score     the detector's confidence, 0 to 1
     * @param keypoints six keypoints, or none
     * @throws IllegalArgumentException if there are keypoints but not six
     */
    public DetectedFace {
        keypoints = List.copyOf(keypoints);
        if (!keypoints.isEmpty() && keypoints.size() != KEYPOINT_NAMES.size()) {
            throw new IllegalArgumentException("a face has six keypoints or none, not " + keypoints.size());
        }
    }

    /**
     * The box's area, by which a render chooses the largest face.
     *
     * @return pixels²
     */
    public long area() {
        return (long) box.width() * box.height();
    }
}
