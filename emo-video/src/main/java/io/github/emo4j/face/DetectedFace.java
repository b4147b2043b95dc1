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

    /**
     * Faces as JSON, as {@code emo faces} prints them and the server's {@code /api/faces} answers:
     * {@code {"width":W,"height":H,"faces":[{"box":[x,y,w,h],"score":s,"landmarks":{name:[x,y],...}},...]}}.
     *
     * @param width  the portrait's width
     * @param height the portrait's height
     * @param faces  the faces, in the order a render chooses them
     * @return the JSON text
     */
    public static String json(int width, int height, List<DetectedFace> faces) {
        StringBuilder j = new StringBuilder();
        j.append("{\"width\":").append(width).append(",\"height\":").append(height).append(",\"faces\":[");
        for (int i = 0; i < faces.size(); i++) {
            DetectedFace f = faces.get(i);
            FaceBox box = f.box();
            j.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT,
                    "{\"box\":[%d,%d,%d,%d],\"score\":%.4f,\"landmarks\":{",
                    box.x(), box.y(), box.width(), box.height(), f.score()));
            for (int k = 0; k < f.keypoints().size(); k++) {
                Point p = f.keypoints().get(k);
                j.append(k == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "\"%s\":[%.1f,%.1f]",
                        KEYPOINT_NAMES.get(k), p.x(), p.y()));
            }
            j.append("}}");
        }
        return j.append("]}").toString();
    }
}
