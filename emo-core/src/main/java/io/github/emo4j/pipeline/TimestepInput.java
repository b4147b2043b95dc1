package io.github.emo4j.pipeline;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.OrtRuntime;
import io.github.emo4j.pack.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The denoiser's timestep (or a flow sampler's σ, for a denoiser that takes it) in the type its graph declares: a UNet exported from diffusers takes an int64
 * step index (the scheduler's timestep, rounded), while a flow-matching transformer takes the timestep as
 * a float, fractions included. One value, as a scalar or a one-element vector; its buffer is allocated
 * once per render and rewritten at every step.
 */
final class TimestepInput {
    private final String dtype;
    private final ByteBuffer bytes;
    private final long[] shape;
    private double value;

    private TimestepInput(String dtype, long[] shape) {
        this.dtype = dtype;
        this.shape = shape;
        this.bytes = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    }

    /**
     * The input {@code spec} declares.
     *
     * @throws PackException naming {@code component} when the type or shape cannot carry one timestep
     */
    static TimestepInput of(TensorSpec spec, String component) {
        if (spec == null) {
            // a denoiser that takes the timestep's sinusoid (or σ) alone: the value is kept for those
            return new TimestepInput("absent", new long[] {1});
        }
        if (!switch (spec.dtype()) {
            case "int64", "int32", "float32", "float16", "bfloat16" -> true;
            default -> false;
        }) {
            throw new PackException(component + ": input '" + spec.name() + "' is " + spec.dtype()
                    + "; it is int64, int32, float32, float16 or bfloat16");
        }
        if (spec.rank() > 1 || (spec.rank() == 1 && spec.dim(0) > 1)) {
            throw new PackException(component + ": input '" + spec.name() + "' has shape " + spec.shape()
                    + "; it is a scalar or one value, [] or [1]");
        }
        return new TimestepInput(spec.dtype(), spec.rank() == 0 ? new long[0] : new long[] {1});
    }

    /** Whether the denoiser takes this value as an input. */
    boolean bound() {
        return !dtype.equals("absent");
    }

    /** Sets the timestep: rounded to the nearest step for integer types. */
    void set(double t) {
        value = t;
        switch (dtype) {
            case "absent" -> { }
            case "int64" -> bytes.putLong(0, Math.round(t));
            case "int32" -> bytes.putInt(0, (int) Math.round(t));
            case "float32" -> bytes.putFloat(0, (float) t);
            case "float16" -> bytes.putShort(0, Fp16Conversions.floatToFp16((float) t));
            default -> bytes.putShort(0, Fp16Conversions.floatToBf16((float) t));
        }
    }

    /** The value the network sees, as a double (rounded for integer types). */
    double given() {
        return switch (dtype) {
            case "int64", "int32" -> Math.round(value);
            case "absent" -> value;
            case "float32" -> (float) value;
            case "float16" -> Fp16Conversions.fp16ToFloat(Fp16Conversions.floatToFp16((float) value));
            default -> Fp16Conversions.bf16ToFloat(Fp16Conversions.floatToBf16((float) value));
        };
    }

    /** A tensor over this input's buffer; the caller closes it. */
    OnnxTensor tensor() throws OrtException {
        return switch (dtype) {
            case "absent" -> throw new IllegalStateException("the denoiser takes no timestep");
            case "int64" -> OnnxTensor.createTensor(OrtRuntime.env(), bytes.asLongBuffer().limit(1), shape);
            case "int32" -> OnnxTensor.createTensor(OrtRuntime.env(), bytes.asIntBuffer().limit(1), shape);
            case "float32" -> OnnxTensor.createTensor(OrtRuntime.env(), bytes.asFloatBuffer().limit(1), shape);
            case "float16" -> OnnxTensor.createTensor(OrtRuntime.env(), bytes.asShortBuffer().limit(1), shape, OnnxJavaType.FLOAT16);
            default -> OnnxTensor.createTensor(OrtRuntime.env(), bytes.asShortBuffer().limit(1), shape, OnnxJavaType.BFLOAT16);
        };
    }
}
