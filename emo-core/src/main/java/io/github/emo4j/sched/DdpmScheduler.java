package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Denoising Diffusion Probabilistic Models (Ho et al., 2020) as diffusers' {@code DDPMScheduler} with
 * {@code variance_type="fixed_small"}: ancestral sampling, fresh Gaussian noise at every step but the
 * last, drawn from the sampler's seed so a trajectory is reproducible.
 */
public final class DdpmScheduler implements Scheduler {

    private final Stepping stepping;
    private final boolean clipSample;
    private final double clipRange;

    public DdpmScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.stepping = Stepping.read(c, "leading");
        this.clipSample = c.bool("clip_sample", true);
        this.clipRange = c.number("clip_sample_range", 1.0);
        c.requireOnly("variance_type", "fixed_small");
        c.refuseThresholding();
    }

    @Override
    public String className() {
        return "DDPMScheduler";
    }

    public NoiseSchedule noiseSchedule() {
        return stepping.schedule();
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        double[] ts = stepping.timesteps(steps, true);
        int stride = stepping.schedule().trainSteps() / steps;
        SplittableRandom rnd = new SplittableRandom(seed);
        return new UnscaledSampler(ts) {

            @Override
            public void step(int i, FloatBuffer out, FloatBuffer sample) {
                int t = (int) ts[i], prev = t - stride;
                double a = stepping.schedule().alphaCumprod(t), ap = prev >= 0 ? stepping.schedule().alphaCumprod(prev) : 1.0;
                double beta = 1 - a, betaPrev = 1 - ap;
                double alphaT = a / ap, betaT = 1 - alphaT;
                double cx0 = Math.sqrt(ap) * betaT / beta, cx = Math.sqrt(alphaT) * betaPrev / beta;
                double std = t > 0 ? Math.sqrt(Math.max(betaPrev / beta * betaT, 1e-20)) : 0;
                double sqrtA = Math.sqrt(a), sqrtBeta = Math.sqrt(beta);
                int n = sample.capacity();
                for (int k = 0; k < n; k++) {
                    double x = sample.get(k), m = out.get(k);
                    double x0 = stepping.prediction().x0(x, m, sqrtA, sqrtBeta);
                    if (clipSample) {
                        x0 = Math.max(-clipRange, Math.min(clipRange, x0));
                    }
                    double next = cx0 * x0 + cx * x;
                    if (std > 0) {
                        next += std * gaussian(rnd);
                    }
                    sample.put(k, (float) next);
                }
            }
        };
    }

    static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble(), u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
