package io.github.emo4j.face;

import java.util.List;
import java.util.Optional;

/** Which of the faces found in a portrait a render animates. */
@FunctionalInterface
public interface FaceSelector {

    /**
     * Chooses a face.
     *
     * @param faces the faces found, largest first, never empty
     * @return the face to animate, or empty to refuse the portrait
     */
    Optional<DetectedFace> choose(List<DetectedFace> faces);

    /**
     * The largest face: the default.
     *
     * @return the selector
     */
    static FaceSelector largest() {
        return faces -> faces.stream().findFirst();
    }

    /**
     * The {@code index}-th face, largest first, as {@code emo faces} lists them.
     *
     * @param index from 0
     * @return the selector; it chooses nothing when there are fewer faces
     * @throws IllegalArgumentException if {@code index} is negative
     */
    static FaceSelector index(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a face index is 0 or more: " + index);
        }
        return faces -> index < faces.size() ? Optional.of(faces.get(index)) : Optional.empty();
    }
}
