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

    private final double finalAlphaCumprod;
    private final Stepping stepping;
    private final boolean clipSample;
    private final double clipRange;

    public DdimScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.stepping = Stepping.read(c, "leading");
        this.finalAlphaCumprod = c.bool("set_alpha_to_one", true) ? 1.0 : stepping.schedule().alphaCumprod(0);
        this.clipSample = c.bool("clip_sample", true);
        this.clipRange = c.number("clip_sample_range", 1.0);
        if (!List.of("leading", "trailing", "linspace").contains(stepping.spacing())) {
            throw new IllegalArgumentException("scheduler config: timestep_spacing '" + stepping.spacing() + "' is not supported");
        }
        c.refuseThresholding();
    }

    @Override
    public String className() {
        return "DDIMScheduler";
    }

    public NoiseSchedule noiseSchedule() {
        return stepping.schedule();
    }

    /** The timesteps of a {@code steps}-step trajectory, exactly as diffusers' {@code set_timesteps}. */
    public long[] timesteps(int steps) {
        double[] d = stepping.timesteps(steps, true);
        long[] t = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            t[i] = (long) d[i];
        }
        return t;
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        double[] ts = stepping.timesteps(steps, true);
        int stride = stepping.schedule().trainSteps() / steps;
        // Per-step coefficients are computed once, so step() is a single fused pass over the data.
        double[] sqrtA = new double[steps], sqrtB = new double[steps], sqrtAPrev = new double[steps], sqrtBPrev = new double[steps];
        for (int i = 0; i < steps; i++) {
            int t = (int) ts[i];
            int prev = t - stride;
            double a = stepping.schedule().alphaCumprod(t);
            double ap = prev >= 0 ? stepping.schedule().alphaCumprod(prev) : finalAlphaCumprod;
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
                if (stepping.prediction() == Prediction.EPSILON && !clipSample) {
                    // the common case as one fused multiply-add per element: x' = a·x + b·eps
                    float a = (float) (sap / sa), b = (float) (sbp - sap * sb / sa);
                    for (int k = 0; k < n; k++) {
                        sample.put(k, a * sample.get(k) + b * out.get(k));
                    }
                    return;
                }
                for (int k = 0; k < n; k++) {
                    double x = sample.get(k), m = out.get(k);
                    double x0 = stepping.prediction().x0(x, m, sa, sb);
                    // diffusers' pred_epsilon, taken before any clipping of x0
                    double eps = switch (stepping.prediction()) {
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
