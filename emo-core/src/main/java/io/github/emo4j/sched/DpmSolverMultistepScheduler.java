package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * DPM-Solver++ (Lu et al., 2022) of order 2, multistep, midpoint variant, as diffusers'
 * {@code DPMSolverMultistepScheduler} with {@code algorithm_type="dpmsolver++"}, {@code solver_order=2},
 * {@code final_sigmas_type="zero"} (so the last step is first order), with or without Karras sigmas.
 * The sampler keeps the previous step's data prediction, so it allocates one buffer per trajectory.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {

    private final Stepping stepping;
    private final boolean karras;
    private final double[] trainSigmas;
    private final double[] logSigmas;

    public DpmSolverMultistepScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.stepping = Stepping.read(c, "linspace");
        this.karras = c.bool("use_karras_sigmas", false);
        c.requireOnly("algorithm_type", "dpmsolver++");
        if (c.integer("solver_order", 2, 1, 3) != 2) {
            throw new IllegalArgumentException("scheduler config: only solver_order 2 is supported");
        }
        c.requireOnly("solver_type", "midpoint");
        c.requireOnly("final_sigmas_type", "zero");
        trainSigmas = stepping.schedule().sigmas();
        logSigmas = stepping.schedule().logSigmas();
    }

    @Override
    public String className() {
        return "DPMSolverMultistepScheduler";
    }

    /** diffusers' set_timesteps for this scheduler (its linspace and leading rules differ from DDIM's). */
    double[] timesteps(int steps) {
        int train = stepping.schedule().trainSteps();
        Spacing.checkSteps(steps, train);
        double[] t = new double[steps];
        switch (stepping.spacing()) {
            case "linspace" -> {
                double[] l = Spacing.linspace(0, train - 1, steps + 1);
                for (int i = 0; i < steps; i++) {
                    t[i] = Math.rint(l[steps - i]);
                }
            }
            case "leading" -> {
                int ratio = train / (steps + 1);
                for (int i = 0; i < steps; i++) {
                    t[i] = (double) (steps - i) * ratio + stepping.stepsOffset();
                }
            }
            case "trailing" -> t = stepping.timesteps(steps, true);
            default -> throw new IllegalArgumentException("timestep_spacing '" + stepping.spacing() + "' is not supported");
        }
        return t;
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        double[] ts = timesteps(steps);
        double[] sigmas = new double[steps + 1];
        if (karras) {
            double[] k = Spacing.karras(trainSigmas[0], trainSigmas[trainSigmas.length - 1], steps);
            for (int i = 0; i < steps; i++) {
                sigmas[i] = k[i];
                ts[i] = Math.rint(Spacing.sigmaToT(k[i], logSigmas));
            }
        } else {
            for (int i = 0; i < steps; i++) {
                sigmas[i] = Spacing.interp(ts[i], trainSigmas);
            }
        }
        sigmas[steps] = 0;
        return new UnscaledSampler(ts) {
            private float[] previousX0;

            @Override
            public void step(int i, FloatBuffer out, FloatBuffer sample) {
                int n = sample.capacity();
                if (previousX0 == null) {
                    previousX0 = new float[n];
                }
                double s0 = sigmas[i], st = sigmas[i + 1];
                double alphaS0 = 1 / Math.sqrt(s0 * s0 + 1), sigmaS0 = s0 * alphaS0;
                double alphaT = 1 / Math.sqrt(st * st + 1), sigmaT = st * alphaT;
                double lambdaT = Math.log(alphaT) - Math.log(sigmaT), lambdaS0 = Math.log(alphaS0) - Math.log(sigmaS0);
                double h = lambdaT - lambdaS0;
                double ratio = sigmaT / sigmaS0, phi = alphaT * (Math.exp(-h) - 1);
                // the first step has no history; with final_sigmas_type "zero" the last is first order too
                boolean firstOrder = i == 0 || i == steps - 1;
                double r0 = 0;
                if (!firstOrder) {
                    double s1 = sigmas[i - 1];
                    double alphaS1 = 1 / Math.sqrt(s1 * s1 + 1), sigmaS1 = s1 * alphaS1;
                    double lambdaS1 = Math.log(alphaS1) - Math.log(sigmaS1);
                    r0 = (lambdaS0 - lambdaS1) / h;
                }
                for (int k = 0; k < n; k++) {
                    double x = sample.get(k), m = out.get(k);
                    double x0 = stepping.prediction().x0(x, m, alphaS0, sigmaS0);
                    double next;
                    if (firstOrder) {
                        next = ratio * x - phi * x0;
                    } else {
                        double d1 = (x0 - previousX0[k]) / r0;
                        next = ratio * x - phi * x0 - 0.5 * phi * d1;
                    }
                    previousX0[k] = (float) x0;
                    sample.put(k, (float) next);
                }
            }
        };
    }
}
