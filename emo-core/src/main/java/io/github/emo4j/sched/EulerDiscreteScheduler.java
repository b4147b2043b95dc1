package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Euler's method on the probability-flow ODE in sigma space (Karras et al., 2022), as diffusers'
 * {@code EulerDiscreteScheduler} with its defaults ({@code s_churn = 0}, so deterministic): sigmas
 * interpolated at the timesteps, or Karras sigmas with {@code use_karras_sigmas}.
 */
public final class EulerDiscreteScheduler implements Scheduler {

    private final Stepping stepping;
    private final boolean karras;
    private final double[] trainSigmas;
    private final double[] logSigmas;

    public EulerDiscreteScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.stepping = Stepping.read(c, "linspace");
        this.karras = c.bool("use_karras_sigmas", false);
        c.requireOnly("interpolation_type", "linear");
        trainSigmas = stepping.schedule().sigmas();
        logSigmas = stepping.schedule().logSigmas();
    }

    @Override
    public String className() {
        return "EulerDiscreteScheduler";
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        double[] ts = stepping.timesteps(steps, false);
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = Spacing.interp(ts[i], trainSigmas);
        }
        if (karras) {
            double[] k = Spacing.karras(sigmas[steps - 1], sigmas[0], steps);
            for (int i = 0; i < steps; i++) {
                sigmas[i] = k[i];
                ts[i] = Spacing.sigmaToT(k[i], logSigmas);
            }
        }
        sigmas[steps] = 0;
        double max = 0;
        for (double s : sigmas) {
            max = Math.max(max, s);
        }
        float init = (float) ("linspace".equals(stepping.spacing()) || "trailing".equals(stepping.spacing()) ? max : Math.sqrt(max * max + 1));
        return new Sampler() {
            @Override
            public double[] timesteps() {
                return ts.clone();
            }

            @Override
            public float initNoiseSigma() {
                return init;
            }

            @Override
            public float inputScale(int i) {
                return (float) (1 / Math.sqrt(sigmas[i] * sigmas[i] + 1));
            }

            @Override
            public void step(int i, FloatBuffer out, FloatBuffer sample) {
                double sigma = sigmas[i], dt = sigmas[i + 1] - sigma;
                int n = sample.capacity();
                for (int k = 0; k < n; k++) {
                    double x = sample.get(k), m = out.get(k);
                    // in sigma space the sample is x0 + sigma·noise, not scaled by alpha
                    double x0 = switch (stepping.prediction()) {
                        case EPSILON -> x - sigma * m;
                        case V_PREDICTION -> m * (-sigma / Math.sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1);
                        case SAMPLE -> m;
                    };
                    double derivative = (x - x0) / sigma;
                    sample.put(k, (float) (x + derivative * dt));
                }
            }
        };
    }
}
