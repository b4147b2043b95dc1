package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * DPM-Solver++ for flow matching as Wan's {@code FlowDPMSolverMultistepScheduler} (wan/utils/fm_solvers.py),
 * the other sampler of Wan's pipelines: multistep, order 1 to 3, midpoint or Heun second-order steps, on
 * the data prediction {@code x0 = x − σ·v}, first order into the final sigma 0.
 *
 * <p>Its sigmas are the ones Wan's pipelines hand it ({@code get_sampling_sigmas(n, shift)}:
 * {@code linspace(1, 0, n + 1)[:n]} shifted by the sampling shift, then by the configuration's
 * {@code shift}, in float64), not its own default spacing; the configuration gives the sampling shift as
 * {@code sample_shift}. The timesteps are {@code int64(σ·N)}; the steps are the original's float32.
 * Only {@code dpmsolver++} (deterministic) is implemented; the SDE variants are refused by name.
 */
public final class FlowDpmSolverMultistepScheduler implements Scheduler {
    private final int trainSteps;
    private final int order;
    private final boolean heun;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final double shift;
    private final double sampleShift;

    /**
     * The scheduler a configuration describes.
     *
     * @param config Wan's keys (diffusers' names), with {@code sample_shift}
     * @throws IllegalArgumentException if a key is out of range or asks for what is not implemented
     */
    public FlowDpmSolverMultistepScheduler(Map<String, Object> config) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.trainSteps = c.integer("num_train_timesteps", 1000, 2, 100_000);
        this.order = c.integer("solver_order", 2, 1, 3);
        String algorithm = c.string("algorithm_type", "dpmsolver++");
        if (!algorithm.equals("dpmsolver++") && !algorithm.equals("deis")) {
            throw new IllegalArgumentException("scheduler config: algorithm_type " + algorithm + " is not supported "
                    + "(dpmsolver++ is; the SDE variants draw noise at every step)");
        }
        String solver = c.string("solver_type", "midpoint");
        if (!solver.equals("midpoint") && !solver.equals("heun") && !solver.equals("logrho") && !solver.equals("bh1")
                && !solver.equals("bh2")) {
            throw new IllegalArgumentException("scheduler config: solver_type " + solver + " is not implemented (midpoint, heun)");
        }
        // Wan's class turns the UniPC and logrho types into midpoint
        this.heun = solver.equals("heun");
        this.lowerOrderFinal = c.bool("lower_order_final", true);
        this.eulerAtFinal = c.bool("euler_at_final", false);
        c.requireOnly("prediction_type", "flow_prediction");
        c.requireOnly("final_sigmas_type", "zero");
        c.refuseThresholding();
        if (c.bool("use_dynamic_shifting", false)) {
            throw new IllegalArgumentException("scheduler config: use_dynamic_shifting is not supported for FlowDPMSolverMultistepScheduler");
        }
        if (c.bool("invert_sigmas", false)) {
            throw new IllegalArgumentException("scheduler config: invert_sigmas is not supported for FlowDPMSolverMultistepScheduler");
        }
        this.shift = c.number("shift", 1.0);
        this.sampleShift = c.number("sample_shift", 1.0);
        if (!(shift > 0) || !(sampleShift > 0)) {
            throw new IllegalArgumentException("scheduler config: 'shift' and 'sample_shift' must be above 0");
        }
    }

    @Override
    public String className() {
        return "FlowDPMSolverMultistepScheduler";
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + steps);
        }
        double[] s = FlowMatchEulerDiscreteScheduler.linspace(1, 0, steps + 1);
        float[] sig = new float[steps + 1];
        double[] ts = new double[steps];
        for (int i = 0; i < steps; i++) {
            double v = sampleShift * s[i] / (1 + (sampleShift - 1) * s[i]);
            v = shift * v / (1 + (shift - 1) * v);
            ts[i] = (long) (v * trainSteps);
            sig[i] = (float) v;
        }
        sig[steps] = 0f;
        return new Dpm(sig, ts);
    }

    /** One trajectory: the last model outputs (as x0) and how many steps have run. */
    private final class Dpm extends FlowSampler {
        private float[][] outputs;
        private int lowerOrderNums;

        Dpm(float[] sig, double[] ts) {
            super(sig, ts);
        }

        @Override
        public void step(int i, FloatBuffer velocity, FloatBuffer sample) {
            int n = sample.capacity();
            int steps = steps();
            if (outputs == null) {
                outputs = new float[order][n];
            }
            float[] oldest = outputs[0];
            for (int k = 0; k < order - 1; k++) {
                outputs[k] = outputs[k + 1];
            }
            outputs[order - 1] = oldest;
            float sigma = sig[i];
            for (int k = 0; k < n; k++) {
                oldest[k] = sample.get(k) - sigma * velocity.get(k);
            }
            // the final sigma is 0: always first order into it
            boolean finalStep = i == steps - 1;
            boolean secondLast = i == steps - 2 && lowerOrderFinal && steps < 15;
            if (order == 1 || lowerOrderNums < 1 || finalStep) {
                firstOrder(i, sample, n);
            } else if (order == 2 || lowerOrderNums < 2 || secondLast) {
                secondOrder(i, sample, n);
            } else {
                thirdOrder(i, sample, n);
            }
            if (lowerOrderNums < order) {
                lowerOrderNums++;
            }
        }

        private void firstOrder(int i, FloatBuffer sample, int n) {
            float sT = sig[i + 1], sS = sig[i];
            float aT = 1f - sT;
            float h = lambda(aT, sT) - lambda(1f - sS, sS);
            float ratio = sT / sS;
            float y = aT * ((float) Math.exp(-h) - 1f);
            float[] m0 = outputs[order - 1];
            for (int k = 0; k < n; k++) {
                sample.put(k, ratio * sample.get(k) - y * m0[k]);
            }
        }

        private void secondOrder(int i, FloatBuffer sample, int n) {
            float sT = sig[i + 1], sS0 = sig[i], sS1 = sig[i - 1];
            float aT = 1f - sT;
            float lT = lambda(aT, sT), lS0 = lambda(1f - sS0, sS0), lS1 = lambda(1f - sS1, sS1);
            float h = lT - lS0, h0 = lS0 - lS1;
            float r0 = h0 / h;
            float inv = 1f / r0;
            float ratio = sT / sS0;
            float em1 = (float) Math.exp(-h) - 1f;
            float y = aT * em1;
            float z = heun ? aT * (em1 / h + 1f) : 0.5f * y;
            float[] m0 = outputs[order - 1], m1 = outputs[order - 2];
            for (int k = 0; k < n; k++) {
                float d1 = inv * (m0[k] - m1[k]);
                float x = ratio * sample.get(k) - y * m0[k];
                sample.put(k, heun ? x + z * d1 : x - z * d1);
            }
        }

        private void thirdOrder(int i, FloatBuffer sample, int n) {
            float sT = sig[i + 1], sS0 = sig[i], sS1 = sig[i - 1], sS2 = sig[i - 2];
            float aT = 1f - sT;
            float lT = lambda(aT, sT), lS0 = lambda(1f - sS0, sS0), lS1 = lambda(1f - sS1, sS1), lS2 = lambda(1f - sS2, sS2);
            float h = lT - lS0, h0 = lS0 - lS1, h1 = lS1 - lS2;
            float r0 = h0 / h, r1 = h1 / h;
            float inv0 = 1f / r0, inv1 = 1f / r1;
            float w1 = r0 / (r0 + r1), w2 = 1f / (r0 + r1);
            float ratio = sT / sS0;
            float e = (float) Math.exp(-h);
            float y = aT * (e - 1f);
            float z = aT * ((e - 1f) / h + 1f);
            float w = aT * (((e - 1f) + h) / (h * h) - 0.5f);
            float[] m0 = outputs[order - 1], m1 = outputs[order - 2], m2 = outputs[order - 3];
            for (int k = 0; k < n; k++) {
                float d10 = inv0 * (m0[k] - m1[k]);
                float d11 = inv1 * (m1[k] - m2[k]);
                float diff = d10 - d11;
                float d1 = d10 + w1 * diff;
                float d2 = w2 * diff;
                sample.put(k, ratio * sample.get(k) - y * m0[k] + z * d1 - w * d2);
            }
        }
    }

    /** log(α) − log(σ) in float32, as torch computes it on float32 tensors. */
    private static float lambda(float alpha, float sigma) {
        return (float) Math.log(alpha) - (float) Math.log(sigma);
    }
}
