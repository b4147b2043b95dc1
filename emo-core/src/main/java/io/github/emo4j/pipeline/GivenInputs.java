package io.github.emo4j.pipeline;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.Npy;
import io.github.emo4j.Preprocessing;
import io.github.emo4j.onnx.FloatTensor;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request's preprocessing results, taken by the stages that would otherwise derive them; each is
 * checked against the shape the pack takes, and one that no stage takes is refused.
 */
final class GivenInputs {
    private final Preprocessing given;
    private final Set<String> taken = new TreeSet<>();

    GivenInputs(Preprocessing given) {
        this.given = given;
    }

    /** The given tensor {@code name} shaped {@code shape}, or {@code null} when none was given. */
    FloatTensor take(String name, long[] shape) {
        Npy.Array a = given.tensors().get(name);
        if (a == null) {
            return null;
        }
        if (!Arrays.equals(a.shape(), shape)) {
            throw new InvalidInputException("preprocessing input '" + name + "' has shape " + Arrays.toString(a.shape())
                    + "; the pack takes " + Arrays.toString(shape));
        }
        taken.add(name);
        return FloatTensor.of(a.values(), shape);
    }

    /** Refuses given tensors that no stage took. */
    void checkAllTaken() {
        Set<String> unused = new TreeSet<>(given.tensors().keySet());
        unused.removeAll(taken);
        if (!unused.isEmpty()) {
            throw new InvalidInputException("preprocessing input" + (unused.size() > 1 ? "s " : " ") + unused
                    + " given, but this pack takes no such input");
        }
    }
}
