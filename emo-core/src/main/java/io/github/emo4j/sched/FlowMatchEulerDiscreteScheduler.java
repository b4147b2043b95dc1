package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Euler's method on a flow-matching model's velocity, as diffusers' {@code FlowMatchEulerDiscreteScheduler}:
 * the sample is {@code (1 − σ)·x0 + σ·noise}, the model predicts the velocity {@code noise − x0}, and
 * each step moves the sample by {@code (σ_next − σ)·v}. The sigmas go from the training schedule's
 * largest to its smallest, spaced evenly in time, then shifted ({@code shift}: {@code s·σ / (1 + (s − 1)·σ)};
 * or, with {@code use_dynamic_shifting}, by {@code e^μ / (e^μ + 1/σ − 1)} for a given μ, or
 * {@code μ / (μ + 1/σ − 1)} with {@code time_shift_type: linear}), stretched to end at
 * {@code shift_terminal} if set, respaced as Karras, exponential or beta sigmas between the first and the last
 * if asked, and inverted with {@code invert_sigmas}; a final 0 (1 when inverted) closes them. This is the
 * order of diffusers' source of 2026-08 (commit 58eb52c); older releases respaced before shifting.
 *
 * <p>The arithmetic is the original's, precision for precision: the training sigmas and the steps in
 * float32, the spacing and shifting in float64, then the sigmas rounded to float32 and the timesteps
 * computed from them in float32 ({@code FlowSchedulerParityTest} checks it against the original's output).
 */
public final class FlowMatchEulerDiscreteScheduler implements Scheduler {
    private final int trainSteps;
    private final double shift;
    private final boolean dynamic;
    private final boolean linearShift;
    private final Double mu;
    private final Double shiftTerminal;
    private final boolean invert;
    private final boolean karras;
    private final boolean exponential;
    private final boolean beta;
    /** The training schedule's first and last sigma, as float32 values. */
    private final double sigmaMax;
    private final double sigmaMin;

    /**
     * The scheduler a configuration describes.
     *
     * @param config diffusers' keys
     * @throws IllegalArgumentException if a key is out of range or asks for what is not implemented
     */
    public FlowMatchEulerDiscreteScheduler(Map<String, Object> config) {
        this(config, null);
    }

    private FlowMatchEulerDiscreteScheduler(Map<String, Object> config, Double mu) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.trainSteps = c.integer("num_train_timesteps", 1000, 1, 100_000);
        this.shift = c.number("shift", 1.0);
        if (!(shift > 0)) {
            throw new IllegalArgumentException("scheduler config: 'shift' must be above 0, not " + shift);
        }
        this.dynamic = c.bool("use_dynamic_shifting", false);
        String shiftType = c.string("time_shift_type", "exponential");
        if (!shiftType.equals("exponential") && !shiftType.equals("linear")) {
            throw new IllegalArgumentException("scheduler config: 'time_shift_type' must be exponential or linear, not " + shiftType);
        }
        this.linearShift = shiftType.equals("linear");
        if (c.bool("stochastic_sampling", false)) {
            throw new IllegalArgumentException("scheduler config: stochastic_sampling is not supported (the deterministic "
                    + "Euler step is)");
        }
        this.mu = mu;
        Object terminal = config.get("shift_terminal");
        this.shiftTerminal = terminal == null ? null : c.number("shift_terminal", 0);
        if (shiftTerminal != null && !(shiftTerminal < 1)) {
            throw new IllegalArgumentException("scheduler config: 'shift_terminal' must be below 1, not " + shiftTerminal);
        }
        this.invert = c.bool("invert_sigmas", false);
        this.karras = c.bool("use_karras_sigmas", false);
        this.exponential = c.bool("use_exponential_sigmas", false);
        this.beta = c.bool("use_beta_sigmas", false);
        if ((karras ? 1 : 0) + (exponential ? 1 : 0) + (beta ? 1 : 0) > 1) {
            throw new IllegalArgumentException("scheduler config: only one of use_karras_sigmas, use_exponential_sigmas "
                    + "and use_beta_sigmas may be set");
        }
        // the training sigmas t/N for t = N..1, shifted unless the shift is dynamic: float32, as the original
        float first = (float) trainSteps / trainSteps;
        float last = 1f / trainSteps;
        this.sigmaMax = dynamic ? first : shifted32(first);
        this.sigmaMin = dynamic ? last : shifted32(last);
    }

    /**
     * This scheduler with μ, the dynamic shift a pipeline computes from the image's size: needed when the
     * configuration sets {@code use_dynamic_shifting}.
     *
     * @param mu the shift's exponent
     * @param config the same configuration
     * @return the scheduler
     */
    public static FlowMatchEulerDiscreteScheduler withMu(Map<String, Object> config, double mu) {
        if (!Double.isFinite(mu)) {
            throw new IllegalArgumentException("mu must be a finite number, not " + mu);
        }
        return new FlowMatchEulerDiscreteScheduler(config, mu);
    }

    private float shifted32(float s) {
        float k = (float) shift;
        float km1 = (float) (shift - 1);
        return k * s / (1f + km1 * s);
    }

    @Override
    public String className() {
        return "FlowMatchEulerDiscreteScheduler";
    }

    /** The sigmas of {@code steps} steps and the closing one: float32 values. */
    float[] sigmas(int steps) {
        if (dynamic && mu == null) {
            throw new IllegalArgumentException("scheduler config sets use_dynamic_shifting: give mu (./emo schedule --mu)");
        }
        double[] s = linspace(sigmaMax * trainSteps, sigmaMin * trainSteps, steps);
        for (int i = 0; i < steps; i++) {
            s[i] /= trainSteps;
        }
        // 1. the shift: static, or dynamic (exponential or linear in mu)
        for (int i = 0; i < steps; i++) {
            if (!dynamic) {
                s[i] = shift * s[i] / (1 + (shift - 1) * s[i]);
            } else if (linearShift) {
                s[i] = mu / (mu + (1 / s[i] - 1));
            } else {
                s[i] = Math.exp(mu) / (Math.exp(mu) + (1 / s[i] - 1));
            }
        }
        // 2. stretched to end at shift_terminal
        if (shiftTerminal != null && shiftTerminal != 0) {
            double scale = (1 - s[steps - 1]) / (1 - shiftTerminal);
            for (int i = 0; i < steps; i++) {
                s[i] = 1 - (1 - s[i]) / scale;
            }
        }
        // 3. respaced between the first and last as Karras or exponential sigmas
        if (karras) {
            double rho = 7.0;
            double minInv = Math.pow(s[steps - 1], 1 / rho), maxInv = Math.pow(s[0], 1 / rho);
            double[] ramp = linspace(0, 1, steps);
            for (int i = 0; i < steps; i++) {
                s[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
            }
        } else if (exponential) {
            double[] logs = linspace(Math.log(s[0]), Math.log(s[steps - 1]), steps);
            for (int i = 0; i < steps; i++) {
                s[i] = Math.exp(logs[i]);
            }
        } else if (beta) {
            // quantiles of Beta(0.6, 0.6) at 1 - linspace(0, 1, n), between the last sigma and the first
            double min = s[steps - 1], max = s[0];
            double[] ramp = linspace(0, 1, steps);
            for (int i = 0; i < steps; i++) {
                s[i] = min + BetaQuantile.ppf(1 - ramp[i], 0.6, 0.6) * (max - min);
            }
        }
        float[] out = new float[steps + 1];
        for (int i = 0; i < steps; i++) {
            out[i] = invert ? 1f - (float) s[i] : (float) s[i];
        }
        out[steps] = invert ? 1f : 0f;
        return out;
    }

    /** numpy's linspace: {@code start + i·step}, the last exactly {@code stop}. */
    static double[] linspace(double start, double stop, int n) {
        double[] y = new double[n];
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            y[i] = n == 1 ? start : i * step + start;
        }
        if (n > 1) {
            y[n - 1] = stop;
        }
        return y;
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + steps);
        }
        float[] sig = sigmas(steps);
        double[] ts = new double[steps];
        float n = trainSteps;
        for (int i = 0; i < steps; i++) {
            ts[i] = sig[i] * n;
        }
        return new FlowSampler(sig, ts) {
            @Override
            public void step(int i, FloatBuffer velocity, FloatBuffer sample) {
                float dt = sig[i + 1] - sig[i];
                int count = sample.capacity();
                for (int k = 0; k < count; k++) {
                    sample.put(k, sample.get(k) + dt * velocity.get(k));
                }
            }
        };
    }
}
