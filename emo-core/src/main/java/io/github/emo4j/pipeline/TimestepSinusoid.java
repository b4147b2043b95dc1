package io.github.emo4j.pipeline;

import io.github.emo4j.PackException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.TensorSpec;

/**
 * The timestep as Wan's transformers embed it before their first layer: {@code [cos(t·f_k) | sin(t·f_k)]},
 * f_k = 10000^(−k/H) for k = 0 .. H − 1, computed in float64 and handed over as float32. An export takes
 * it as an input because ONNX Runtime's CPU provider has no double-precision Cos and Sin, and float32
 * ones would differ from the original at timesteps near 1000.
 */
final class TimestepSinusoid {
    private final int half;
    private final double[] frequencies;
    final FloatTensor tensor;

    private TimestepSinusoid(int half) {
        this.half = half;
        this.frequencies = new double[half];
        for (int k = 0; k < half; k++) {
            frequencies[k] = Math.pow(10000, -k / (double) half);
        }
        this.tensor = FloatTensor.zeros(1, 2L * half);
    }

    /**
     * The input {@code spec} declares: {@code [1, 2H]} float32 with H fixed.
     *
     * @throws PackException naming {@code component} when the shape is not that
     */
    static TimestepSinusoid of(TensorSpec spec, String component) {
        long width = spec.rank() == 2 ? spec.dim(1) : -1;
        if (!"float32".equals(spec.dtype()) || width < 2 || width % 2 != 0 || (spec.dim(0) != 1 && spec.dim(0) != -1)) {
            throw new PackException(component + ": input '" + spec.name() + "' is " + spec.dtype() + spec.shape()
                    + "; a timestep sinusoid is float32 [1, 2H] with H fixed");
        }
        return new TimestepSinusoid((int) (width / 2));
    }

    /** Writes the sinusoid of timestep {@code t}. */
    void set(double t) {
        for (int k = 0; k < half; k++) {
            double a = t * frequencies[k];
            tensor.set(k, (float) Math.cos(a));
            tensor.set(half + k, (float) Math.sin(a));
        }
    }
}
