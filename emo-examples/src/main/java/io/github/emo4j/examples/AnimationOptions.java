package io.github.emo4j.examples;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.FaceBox;
import picocli.CommandLine.Option;

/** How a portrait is animated, in a render and live alike. */
final class AnimationOptions {
    @Option(names = "--steps", paramLabel = "N", description = "sampling steps per clip, 1 to 1000 (default: the pack's)")
    Integer steps;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the initial noise (default 42)")
    long seed = 42;

    @Option(names = "--face", paramLabel = "X,Y,W,H", description = "face box in portrait pixels (default: detected)")
    String face;

    /** The face box {@code --face} gives, or {@code null}. */
    FaceBox faceBox() {
        if (face == null) {
            return null;
        }
        try {
            return FaceBox.parse(face);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--face: " + e.getMessage());
        }
    }

    /** Sets steps, seed and face on {@code req}. */
    void apply(RenderRequest.Builder req) {
        req.steps(Numbers.within("--steps", steps, 0, 1, 1000)).seed(seed);
        FaceBox box = faceBox();
        if (box != null) {
            req.face(box);
        }
    }
}
