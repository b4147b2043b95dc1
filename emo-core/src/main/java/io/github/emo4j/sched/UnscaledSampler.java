package io.github.emo4j.sched;

/**
 * A sampler in DDPM's variance-preserving parametrisation: unit initial noise and unscaled model input,
 * so only the timesteps and the update differ between algorithms.
 */
abstract class UnscaledSampler implements Sampler {
    final double[] ts;

    UnscaledSampler(double[] ts) {
        this.ts = ts;
    }

    @Override
    public double[] timesteps() {
        return ts.clone();
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public float inputScale(int i) {
        return 1f;
    }
}
