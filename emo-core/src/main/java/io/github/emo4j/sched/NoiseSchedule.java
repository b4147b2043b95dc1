package io.github.emo4j.sched;

import java.util.Map;

/**
 * The training noise schedule shared by all samplers: betas, and the cumulative product of alphas,
 * built from diffusers' configuration keys ({@code num_train_timesteps}, {@code beta_start},
 * {@code beta_end}, {@code beta_schedule}, {@code rescale_betas_zero_snr}).
 */
public final class NoiseSchedule {

    private final double[] alphasCumprod;

    private NoiseSchedule(double[] alphasCumprod) {
        this.alphasCumprod = alphasCumprod;
    }

    /** Builds the schedule from a configuration map (diffusers keys and defaults). */
    public static NoiseSchedule from(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        int n = c.integer("num_train_timesteps", 1000, 1, 100_000);
        double start = c.number("beta_start", 0.0001);
        double end = c.number("beta_end", 0.02);
        String kind = c.string("beta_schedule", "linear");
        double[] betas = new double[n];
        switch (kind) {
            case "linear" -> {
                for (int i = 0; i < n; i++) {
                    betas[i] = n == 1 ? start : start + (end - start) * i / (n - 1);
                }
            }
            case "scaled_linear" -> {
                double a = Math.sqrt(start), b = Math.sqrt(end);
                for (int i = 0; i < n; i++) {
                    double v = n == 1 ? a : a + (b - a) * i / (n - 1);
                    betas[i] = v * v;
                }
            }
            case "squaredcos_cap_v2" -> {
                for (int i = 0; i < n; i++) {
                    double t1 = i / (double) n, t2 = (i + 1) / (double) n;
                    betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
                }
            }
            default -> throw new IllegalArgumentException("beta_schedule '" + kind + "' is not supported "
                    + "(linear, scaled_linear, squaredcos_cap_v2)");
        }
        double[] ac = new double[n];
        double p = 1;
        for (int i = 0; i < n; i++) {
            p *= 1 - betas[i];
            ac[i] = p;
        }
        if (c.bool("rescale_betas_zero_snr", false)) {
            rescaleZeroTerminalSnr(ac);
        }
        return new NoiseSchedule(ac);
    }

    private static double alphaBar(double t) {
        double v = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return v * v;
    }

    /** Shifts and scales sqrt(alpha_bar) so the last step has zero SNR (Lin et al., 2023). */
    private static void rescaleZeroTerminalSnr(double[] ac) {
        int n = ac.length;
        double first = Math.sqrt(ac[0]), last = Math.sqrt(ac[n - 1]);
        for (int i = 0; i < n; i++) {
            double s = (Math.sqrt(ac[i]) - last) * first / (first - last);
            ac[i] = s * s;
        }
    }

    public int trainSteps() {
        return alphasCumprod.length;
    }

    /** Cumulative alpha product at training timestep {@code t}. */
    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** The training sigmas √((1−ᾱ)/ᾱ), one per training step. */
    public double[] sigmas() {
        double[] s = new double[alphasCumprod.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
        }
        return s;
    }

    /** Natural logarithms of {@link #sigmas()}. */
    public double[] logSigmas() {
        double[] s = sigmas();
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.log(s[i]);
        }
        return s;
    }

    /** A copy of the whole table, for networks that need it. */
    public float[] alphasCumprodTable() {
        float[] f = new float[alphasCumprod.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) alphasCumprod[i];
        }
        return f;
    }
}
