package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Denoising Diffusion Implicit Models (Song et al., 2021), deterministic (eta = 0), as diffusers'
 * {@code DDIMScheduler} defines it: timestep spacing {@code leading}, {@code trailing} or
 * {@code linspace}, {@code steps_offset}, {@code set_alpha_to_one}, {@code clip_sample}, and epsilon,
 * {@code v_prediction} or {@code sample} outputs. EMO samples with DDIM.
 */
public final class DdimScheduler implements Scheduler {

    private final NoiseSchedule schedule;
    private final double finalAlphaCumprod;
    private final String spacing;
    private final int stepsOffset;
    private final Prediction prediction;
    private final boolean clipSample;
    private final double clipRange;

    public DdimScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.schedule = NoiseSchedule.from(config);
        this.finalAlphaCumprod = c.bool("set_alpha_to_one", true) ? 1.0 : schedule.alphaCumprod(0);
        this.spacing = c.string("timestep_spacing", "leading");
        this.stepsOffset = c.integer("steps_offset", 0, 0, schedule.trainSteps());
        this.prediction = Prediction.from(c);
        this.clipSample = c.bool("clip_sample", true);
        this.clipRange = c.number("clip_sample_range", 1.0);
        if (!List.of("leading", "trailing", "linspace").contains(spacing)) {
            throw new IllegalArgumentException("scheduler config: timestep_spacing '" + spacing + "' is not supported");
        }
        if (c.bool("thresholding", false)) {
            throw new IllegalArgumentException("scheduler config: dynamic thresholding is not supported");
        }
    }

    @Override
    public String className() {
        return "DDIMScheduler";
    }

    public NoiseSchedule noiseSchedule() {
        return schedule;
    }

    /** The timesteps of a {@code steps}-step trajectory, exactly as diffusers' {@code set_timesteps}. */
    public long[] timesteps(int steps) {
        double[] d = Spacing.timesteps(spacing, steps, schedule.trainSteps(), stepsOffset, true);
        long[] t = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            t[i] = (long) d[i];
        }
        return t;
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        double[] ts = Spacing.timesteps(spacing, steps, schedule.trainSteps(), stepsOffset, true);
        int stride = schedule.trainSteps() / steps;
        // Per-step coefficients are computed once, so step() is a single fused pass over the data.
        double[] sqrtA = new double[steps], sqrtB = new double[steps], sqrtAPrev = new double[steps], sqrtBPrev = new double[steps];
        for (int i = 0; i < steps; i++) {
            int t = (int) ts[i];
            int prev = t - stride;
            double a = schedule.alphaCumprod(t);
            double ap = prev >= 0 ? schedule.alphaCumprod(prev) : finalAlphaCumprod;
            sqrtA[i] = Math.sqrt(a);
            sqrtB[i] = Math.sqrt(1 - a);
            sqrtAPrev[i] = Math.sqrt(ap);
            sqrtBPrev[i] = Math.sqrt(1 - ap);
        }
        return new UnscaledSampler(ts) {

            @Override
            public void step(int i, FloatBuffer out, FloatBuffer sample) {
                double sa = sqrtA[i], sb = sqrtB[i], sap = sqrtAPrev[i], sbp = sqrtBPrev[i];
                int n = sample.capacity();
                if (prediction == Prediction.EPSILON && !clipSample) {
                    // the common case as one fused multiply-add per element: x' = a·x + b·eps
                    float a = (float) (sap / sa), b = (float) (sbp - sap * sb / sa);
                    for (int k = 0; k < n; k++) {
                        sample.put(k, a * sample.get(k) + b * out.get(k));
                    }
                    return;
                }
                for (int k = 0; k < n; k++) {
                    double x = sample.get(k), m = out.get(k);
                    double x0 = prediction.x0(x, m, sa, sb);
                    // diffusers' pred_epsilon, taken before any clipping of x0
                    double eps = switch (prediction) {
                        case EPSILON -> m;
                        case V_PREDICTION -> sa * m + sb * x;
                        case SAMPLE -> Prediction.noise(x, x0, sa, sb);
                    };
                    if (clipSample) {
                        // diffusers clips x0 but keeps the unclipped epsilon (use_clipped_model_output=False)
                        x0 = Math.max(-clipRange, Math.min(clipRange, x0));
                    }
                    sample.put(k, (float) (sap * x0 + sbp * eps));
                }
            }
        };
    }
}
