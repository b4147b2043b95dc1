package io.github.emo4j;

import java.util.Locale;

/**
 * Where ONNX Runtime runs the networks. GPU providers need the matching ONNX Runtime artifact (for
 * CUDA and TensorRT: {@code com.microsoft.onnxruntime:onnxruntime_gpu}) and its native drivers; the
 * default artifact has the CPU provider only.
 *
 * @param kind     the provider
 * @param deviceId the device index, for providers that have devices
 */
public record ExecutionProvider(Kind kind, int deviceId) {

    /** The providers emo4j knows how to configure. */
    public enum Kind {
        /** the CPU: always there */
        CPU,
        /** NVIDIA GPUs through CUDA */
        CUDA,
        /** NVIDIA GPUs through TensorRT engines */
        TENSORRT,
        /** AMD GPUs through ROCm */
        ROCM,
        /** any DirectX 12 GPU on Windows */
        DIRECTML,
        /** Apple's Core ML (GPU and Neural Engine) */
        COREML,
        /** Intel CPUs, GPUs and NPUs through OpenVINO */
        OPENVINO
    }
    /**
     * Checks the fields.
     *
     * @param kind     the provider
     * @param deviceId the device index, for providers that have devices
     * @throws IllegalArgumentException if the kind is missing or the device index negative
     */
    public ExecutionProvider {
        if (kind == null) {
            throw new IllegalArgumentException("provider kind is required");
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("device id must not be negative: " + deviceId);
        }
    }

    /** The CPU, always available. */
    public static final ExecutionProvider CPU = new ExecutionProvider(Kind.CPU, 0);

    /**
     * NVIDIA CUDA on one GPU (needs {@code emo-gpu}).
     *
     * @param device the GPU's index
     * @return the provider
     */
    public static ExecutionProvider cuda(int device) {
        return new ExecutionProvider(Kind.CUDA, device);
    }

    /**
     * NVIDIA TensorRT on one GPU (needs {@code emo-gpu}).
     *
     * @param device the GPU's index
     * @return the provider
     */
    public static ExecutionProvider tensorRt(int device) {
        return new ExecutionProvider(Kind.TENSORRT, device);
    }

    /**
     * A provider on its first device.
     *
     * @param kind the provider
     * @return the provider on device 0
     */
    public static ExecutionProvider of(Kind kind) {
        return new ExecutionProvider(kind, 0);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:1}, {@code tensorrt}, {@code directml:0}, ...
     *
     * @param text a provider name, with {@code :device} where it has devices
     * @return the provider
     * @throws InvalidInputException if the name is unknown or the device not a number
     */
    public static ExecutionProvider parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        int device = 0;
        if (colon >= 0) {
            try {
                device = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("provider '" + text + "': device must be a number");
            }
        }
        for (Kind k : Kind.values()) {
            if (k.name().toLowerCase(Locale.ROOT).equals(name) || (k == Kind.TENSORRT && name.equals("trt"))) {
                return new ExecutionProvider(k, device);
            }
        }
        throw new InvalidInputException("unknown provider '" + text + "' (known: cpu, cuda, tensorrt, rocm, directml, coreml, openvino)");
    }

    @Override
    public String toString() {
        String n = kind.name().toLowerCase(Locale.ROOT);
        return kind == Kind.CPU || kind == Kind.COREML || kind == Kind.OPENVINO ? n : n + ":" + deviceId;
    }
}
