package io.github.emo4j;

import java.util.List;

/**
 * Everything a loaded model pack declares, as loading it checked it: for pack authors who want to see
 * what emo4j read from their manifest (the CLI's {@code info --pack}).
 *
 * @param name        the manifest's name
 * @param description the manifest's description, or empty
 * @param family      the layout of the contract the pack follows ({@code unet})
 * @param provider    the execution provider the pack was loaded on
 * @param settings    the settings as read, one {@code key=value} each
 * @param scheduler   the scheduler the pack samples with: diffusers' {@code _class_name}
 * @param components  the networks, by role
 */
public record PackDescription(String name, String description, String family, ExecutionProvider provider,
                              List<String> settings, String scheduler, List<Component> components) {

    /**
     * Copies the lists.
     *
     * @param name        the manifest's name
     * @param description the manifest's description, or empty
     * @param family      the pack's family
     * @param provider    the execution provider it was loaded on
     * @param settings    the settings, {@code key=value}
     * @param scheduler   the scheduler's {@code _class_name}
     * @param components  the networks
     */
    public PackDescription {
        settings = List.copyOf(settings);
        components = List.copyOf(components);
    }

    /**
     * One network of the pack.
     *
     * @param role    its role's manifest key, e.g. {@code denoising_unet}
     * @param file    its ONNX file in the pack
     * @param inputs  its inputs, each as {@code name dtype[shape]}, with the unconditional branch's values
     *                when they are not the same
     * @param outputs its outputs, each as {@code name dtype[shape]}
     */
    public record Component(String role, String file, List<String> inputs, List<String> outputs) {
        /**
         * Copies the lists.
         *
         * @param role    its role's manifest key
         * @param file    its ONNX file
         * @param inputs  its inputs
         * @param outputs its outputs
         */
        public Component {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }
}
