package io.github.emo4j.sched;

/**
 * A flow-matching trajectory: timesteps, and sigmas from the first step's to the closing one (0, or 1
 * when inverted); the sample is not scaled and the noise is standard. The samplers differ only in their
 * step.
 */
abstract class FlowSampler implements Sampler {
    /** The steps' sigmas and the closing one, float32 as the originals keep them. */
    final float[] sig;
    private final double[] ts;

    FlowSampler(float[] sig, double[] ts) {
        this.sig = sig;
        this.ts = ts;
    }

    @Override
    public final double[] timesteps() {
        return ts.clone();
    }

    @Override
    public final double[] sigmas() {
        double[] d = new double[sig.length];
        for (int i = 0; i < sig.length; i++) {
            d[i] = sig[i];
        }
        return d;
    }

    /** Steps in the trajectory. */
    final int steps() {
        return ts.length;
    }

    @Override
    public final float initNoiseSigma() {
        return 1f;
    }

    @Override
    public final float inputScale(int i) {
        return 1f;
    }
}
