package io.github.emo4j.pack;

import java.util.List;

/**
 * One network of a pack.
 *
 * @param role    what it does
 * @param file    its ONNX file, relative to the pack folder
 * @param inputs  the inputs the manifest declares
 * @param outputs the outputs the manifest declares
 */
public record ComponentSpec(Role role, String file, List<TensorSpec> inputs, List<TensorSpec> outputs) {

    public ComponentSpec {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public TensorSpec input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    public TensorSpec output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
