package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Latent Consistency Model sampling (Luo et al., 2023), as diffusers' {@code LCMScheduler}: timesteps
 * picked from the {@code original_inference_steps} skipping schedule, consistency boundary scalings
 * ({@code timestep_scaling}, sigma_data 0.5), and fresh seeded noise between steps. For distilled
 * few-step models (2 to 8 steps).
 */
public final class LcmScheduler implements Scheduler {

    private static final double SIGMA_DATA = 0.5;

    private final int originalSteps;
    private final double timestepScaling;
    private final double finalAlphaCumprod;
    private final Stepping stepping;
    private final boolean clipSample;
    private final double clipRange;

    public LcmScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.stepping = Stepping.read(c, "leading");
        this.originalSteps = c.integer("original_inference_steps", 50, 1, stepping.schedule().trainSteps());
        this.timestepScaling = c.number("timestep_scaling", 10.0);
        this.finalAlphaCumprod = c.bool("set_alpha_to_one", true) ? 1.0 : stepping.schedule().alphaCumprod(0);
        this.clipSample = c.bool("clip_sample", false);
        this.clipRange = c.number("clip_sample_range", 1.0);
    }

    @Override
    public String className() {
        return "LCMScheduler";
    }

    /** diffusers' set_timesteps with strength 1. */
    double[] timesteps(int steps) {
        int k = stepping.schedule().trainSteps() / originalSteps;
        int count = originalSteps;
        if (steps < 1 || count / steps < 1) {
            throw new IllegalArgumentException("LCM takes between 1 and " + count + " steps (original_inference_steps), not " + steps);
        }
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor(i * (double) count / steps);
            t[i] = (double) (count - index) * k - 1; // origin timesteps reversed: (count - index) * k - 1
        }
        return t;
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        double[] ts = timesteps(steps);
        SplittableRandom rnd = new SplittableRandom(seed);
        return new UnscaledSampler(ts) {

            @Override
            public void step(int i, FloatBuffer out, FloatBuffer sample) {
                int t = (int) ts[i];
                boolean last = i == steps - 1;
                int prev = last ? t : (int) ts[i + 1];
                double a = stepping.schedule().alphaCumprod(t), ap = prev >= 0 ? stepping.schedule().alphaCumprod(prev) : finalAlphaCumprod;
                double scaled = t * timestepScaling;
                double cSkip = SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
                double cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);
                double sqrtA = Math.sqrt(a), sqrtBeta = Math.sqrt(1 - a);
                int n = sample.capacity();
                for (int k = 0; k < n; k++) {
                    double x = sample.get(k), m = out.get(k);
                    double x0 = stepping.prediction().x0(x, m, sqrtA, sqrtBeta);
                    if (clipSample) {
                        x0 = Math.max(-clipRange, Math.min(clipRange, x0));
                    }
                    double denoised = cOut * x0 + cSkip * x;
                    sample.put(k, (float) (last ? denoised : Math.sqrt(ap) * denoised + Math.sqrt(1 - ap) * DdpmScheduler.gaussian(rnd)));
                }
            }
        };
    }
}
