package io.github.emo4j.sched;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * UniPC for flow matching as Wan's {@code FlowUniPCMultistepScheduler} (wan/utils/fm_solvers_unipc.py,
 * the sampler of Wan2.1 and Wan2.2-S2V): a predictor of order up to {@code solver_order} (1 to 3; UniP) and, from
 * the second step on, a corrector (UniC) that reuses the model's output at the predicted point, in the
 * data prediction form ({@code predict_x0}) with the B(h) of {@code bh2}. ({@code bh1} and
 * {@code lower_order_final: false} make the original return NaN at its last step, into sigma 0: they are
 * refused by name.)
 *
 * <p>Wan spaces the sigmas over {@code linspace(σ_max, σ_min, n + 1)[:-1]} of the training schedule and
 * applies the shift it is given at sampling ({@code set_timesteps(n, shift=…)}), not diffusers' spacing;
 * the timesteps are {@code int64(σ·N)}. A configuration gives that sampling shift as {@code sample_shift}
 * (the name Wan's own configs use; without it, {@code shift} applies, as in Wan's class). The arithmetic
 * is the original's float32 (the sigmas, the λ, h and the coefficients); only the small linear solves
 * of orders 2 and 3 (LU with partial pivoting, as LAPACK's) may differ from the original's in the last bit.
 *
 * <p>The same solver is diffusers' {@code UniPCMultistepScheduler} with {@code use_flow_sigmas} (the
 * class Wan's diffusers pipelines use): named so in a configuration, its sigmas are diffusers' flow sigmas
 * ({@code flow_shift}, or {@code use_dynamic_shifting} with μ, and {@code shift_terminal}).
 */
public final class FlowUniPcMultistepScheduler implements Scheduler {
    private final int trainSteps;
    private final int order;
    private final boolean bh2;
    private final boolean lowerOrderFinal;
    private final double sampleShift;
    private final java.util.Set<Integer> disableCorrector;
    private final double sigmaMax;
    private final double sigmaMin;
    /** diffusers' UniPCMultistepScheduler with use_flow_sigmas, instead of Wan's own class. */
    private final boolean diffusers;
    private final boolean dynamic;
    private final Double mu;
    private final Double shiftTerminal;

    /**
     * The scheduler a configuration describes.
     *
     * @param config Wan's keys (diffusers' names), with {@code sample_shift}
     * @throws IllegalArgumentException if a key is out of range or asks for what is not implemented
     */
    public FlowUniPcMultistepScheduler(Map<String, Object> config) {
        this(config, null);
    }

    /**
     * diffusers' {@code UniPCMultistepScheduler} with {@code use_flow_sigmas} and {@code use_dynamic_shifting}:
     * the scheduler with μ, the shift a pipeline computes from the image's size.
     *
     * @param config diffusers' keys
     * @param mu     the shift's exponent
     * @return the scheduler
     */
    public static FlowUniPcMultistepScheduler withMu(Map<String, Object> config, double mu) {
        if (!Double.isFinite(mu)) {
            throw new IllegalArgumentException("mu must be a finite number, not " + mu);
        }
        return new FlowUniPcMultistepScheduler(config, mu);
    }

    private FlowUniPcMultistepScheduler(Map<String, Object> config, Double mu) {
        SchedulerConfig c = new SchedulerConfig(config);
        this.diffusers = "UniPCMultistepScheduler".equals(config.get("_class_name"));
        if (diffusers && !c.bool("use_flow_sigmas", false)) {
            throw new IllegalArgumentException("scheduler config: UniPCMultistepScheduler is supported with use_flow_sigmas "
                    + "(flow matching) only");
        }
        if (diffusers && (c.bool("use_karras_sigmas", false) || c.bool("use_exponential_sigmas", false)
                || c.bool("use_beta_sigmas", false))) {
            throw new IllegalArgumentException("scheduler config: Karras, exponential and beta sigmas are not supported "
                    + "with use_flow_sigmas");
        }
        this.mu = mu;
        this.trainSteps = c.integer("num_train_timesteps", 1000, 2, 100_000);
        this.order = c.integer("solver_order", 2, 1, 3);
        String solver = c.string("solver_type", "bh2");
        if (!solver.equals("bh1") && !solver.equals("bh2") && !solver.equals("midpoint") && !solver.equals("heun")
                && !solver.equals("logrho")) {
            throw new IllegalArgumentException("scheduler config: solver_type " + solver + " is not implemented (bh1, bh2)");
        }
        // Wan's class turns diffusers' DPM solver types into bh2, as diffusers' UniPC does
        this.bh2 = !solver.equals("bh1");
        this.lowerOrderFinal = c.bool("lower_order_final", true);
        // with the final sigma 0, the original returns NaN at the last step for these two: refused, not imitated
        if (!bh2) {
            throw new IllegalArgumentException("scheduler config: solver_type bh1 ends in NaN in Wan's and diffusers' own UniPC (B(h) is "
                    + "-infinity at the final sigma 0); use bh2");
        }
        if (!lowerOrderFinal) {
            throw new IllegalArgumentException("scheduler config: lower_order_final false ends in NaN in Wan's and diffusers' own UniPC (a "
                    + "second-order step into sigma 0); use true");
        }
        c.requireOnly("prediction_type", "flow_prediction");
        c.refuseThresholding();
        if (!c.bool("predict_x0", true)) {
            throw new IllegalArgumentException("scheduler config: only predict_x0 true is supported");
        }
        this.dynamic = c.bool("use_dynamic_shifting", false);
        if (dynamic && !diffusers) {
            throw new IllegalArgumentException("scheduler config: use_dynamic_shifting is not supported for FlowUniPCMultistepScheduler");
        }
        if (diffusers) {
            c.requireOnly("time_shift_type", "exponential");
            c.requireOnly("timestep_spacing", "linspace");
        }
        c.requireOnly("final_sigmas_type", "zero");
        Object terminal = config.get("shift_terminal");
        this.shiftTerminal = terminal == null || !diffusers ? null : c.number("shift_terminal", 0);
        double shift = diffusers ? c.number("flow_shift", 1.0) : c.number("shift", 1.0);
        this.sampleShift = diffusers ? shift : c.number("sample_shift", shift);
        if (!(shift > 0) || !(sampleShift > 0)) {
            throw new IllegalArgumentException("scheduler config: 'shift' and 'sample_shift' must be above 0");
        }
        Object disabled = config.get("disable_corrector");
        this.disableCorrector = new java.util.HashSet<>();
        if (disabled instanceof java.util.List<?> l) {
            for (Object o : l) {
                if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw new IllegalArgumentException("scheduler config: 'disable_corrector' must list step numbers");
                }
                disableCorrector.add(n.intValue());
            }
        } else if (disabled != null) {
            throw new IllegalArgumentException("scheduler config: 'disable_corrector' must be a list");
        }
        // the training sigmas 1 - linspace(1, 1/N, N) reversed, in float32, shifted by `shift` (float32)
        float max = (float) (1.0 - linspaceAt(1.0, 1.0 / trainSteps, trainSteps, trainSteps - 1));
        float min = (float) (1.0 - linspaceAt(1.0, 1.0 / trainSteps, trainSteps, 0));
        this.sigmaMax = shifted32(max, shift);
        this.sigmaMin = shifted32(min, shift);
    }

    /** Element {@code i} of numpy's {@code linspace(start, stop, n)}. */
    private static double linspaceAt(double start, double stop, int n, int i) {
        return FlowMatchEulerDiscreteScheduler.linspace(start, stop, n)[i];
    }

    private static float shifted32(float s, double shift) {
        return (float) shift * s / (1f + (float) (shift - 1) * s);
    }

    @Override
    public String className() {
        return diffusers ? "UniPCMultistepScheduler" : "FlowUniPCMultistepScheduler";
    }

    @Override
    public Sampler sampler(int steps, long seed) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + steps);
        }
        if (diffusers) {
            return diffusersFlowSampler(steps);
        }
        double[] s = FlowMatchEulerDiscreteScheduler.linspace(sigmaMax, sigmaMin, steps + 1);
        float[] sig = new float[steps + 1];
        double[] ts = new double[steps];
        for (int i = 0; i < steps; i++) {
            double v = sampleShift * s[i] / (1 + (sampleShift - 1) * s[i]);
            ts[i] = (long) (v * trainSteps); // int64 of the float64 value: toward zero
            sig[i] = (float) v;
        }
        sig[steps] = 0f;
        return new UniPc(sig, ts);
    }

    /**
     * diffusers' flow sigmas: {@code linspace(1, 1/N, n + 1)[:-1]}, shifted by {@code flow_shift} (or by μ),
     * stretched to {@code shift_terminal}, the first nudged below 1 by 1e-6 (so that log(1 − σ) stays finite).
     */
    private Sampler diffusersFlowSampler(int steps) {
        if (dynamic && mu == null) {
            throw new IllegalArgumentException("scheduler config sets use_dynamic_shifting: give mu (./emo schedule --mu)");
        }
        double[] s = FlowMatchEulerDiscreteScheduler.linspace(1, 1.0 / trainSteps, steps + 1);
        for (int i = 0; i < steps; i++) {
            s[i] = dynamic ? Math.exp(mu) / (Math.exp(mu) + (1 / s[i] - 1)) : sampleShift * s[i] / (1 + (sampleShift - 1) * s[i]);
        }
        if (shiftTerminal != null && shiftTerminal != 0) {
            double scale = (1 - s[steps - 1]) / (1 - shiftTerminal);
            for (int i = 0; i < steps; i++) {
                s[i] = 1 - (1 - s[i]) / scale;
            }
        }
        if (Math.abs(s[0] - 1) < 1e-6) {
            s[0] -= 1e-6;
        }
        float[] sig = new float[steps + 1];
        double[] ts = new double[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = (long) (s[i] * trainSteps);
            sig[i] = (float) s[i];
        }
        sig[steps] = 0f;
        return new UniPc(sig, ts);
    }

    /** A trajectory's large arrays, handed from an ended trajectory to the next. */
    private record Buffers(float[][] outputs, float[] last) {
    }

    /** One trajectory: the model outputs (as x0) of the last steps, the last sample, the order reached. */
    private final class UniPc extends FlowSampler {
        /** outputs[order - 1] is the latest. */
        private float[][] outputs;
        private float[] last;
        private int lowerOrderNums;
        private int thisOrder;
        private boolean haveLast;
        /** The solver's small buffers, made once: rk, R and b of order up to 3, and their LU. */
        private final float[] rk = new float[3];
        private final float[][] r = new float[3][3];
        private final float[] b = new float[3];
        private final float[][] lu = new float[3][3];
        private final float[] x = new float[3];
        /** The corrector's and the predictor's rk and ρ of the step under way (the solver's buffers are shared). */
        private final float[] rkC = new float[3];
        private final float[] rhoC = new float[3];
        private final float[] rkP = new float[3];
        private final float[] rhoP = new float[3];
        /** The step under way, from {@link #beginStep} to {@link #endStep}. */
        private Terms terms;
        /**
         * Whether this trajectory is prepared, and the previous step's terms, whose history {@link #prepareRange}
         * completes from the sample and output the caller kept.
         */
        private boolean preparing;
        private Terms completing;
        /** Arrays an ended trajectory gave up ({@link #reuseBuffersOf}), taken by the first step where they fit, or {@code null}. */
        private Buffers spare;
        /** The current step's terms, set by {@link #stepTerms}: −h, φ1 and B(h). */
        private float hh;
        private float hPhi1;
        private float bH;

        UniPc(float[] sig, double[] ts) {
            super(sig, ts);
        }

        @Override
        public void step(int i, FloatBuffer velocity, FloatBuffer sample) {
            step(i, (from, into, length) -> velocity.get(from, into, 0, length), sample);
        }

        @Override
        public boolean readsInChunks() {
            return true;
        }

        @Override
        public void step(int i, OutputChunks velocity, FloatBuffer sample) {
            beginStep(i, sample.capacity());
            stepRange(velocity, sample, 0, sample.capacity());
            endStep();
        }

        @Override
        public boolean stepsInRanges() {
            return true;
        }

        /**
         * The step's terms: the corrector's (UniC at sigma[i], with the order of the last prediction),
         * then the predictor's (UniP to sigma[i + 1]); every value then takes one pass, in the original's
         * order of operations.
         */
        @Override
        public void beginStep(int i, int values) {
            if (outputs == null) {
                // a spare's arrays are taken as they are: every value is written before it is read (the
                // history up to the order reached, the last sample once there is one)
                boolean fits = spare != null && spare.last().length == values && spare.outputs().length == order;
                outputs = fits ? spare.outputs() : new float[order][values];
                last = fits ? spare.last() : new float[values];
                spare = null;
            } else if (last.length != values) {
                throw new IllegalArgumentException(values + " values; this trajectory has " + last.length);
            }
            boolean correcting = i > 0 && !disableCorrector.contains(i - 1) && haveLast;
            int pc = thisOrder;
            float ratioC = 0, aPhiC = 0, aBC = 0;
            if (correcting) {
                stepTerms(i, i - 1, pc);
                float aT = 1f - sig[i];
                ratioC = sig[i] / sig[i - 1];
                aPhiC = aT * hPhi1;
                aBC = aT * bH;
                float[] rho = HALF;
                if (pc > 1) {
                    coefficients(pc);
                    rho = solve(pc);
                }
                System.arraycopy(rho, 0, rhoC, 0, pc);
                System.arraycopy(rk, 0, rkC, 0, pc);
            }
            int o = lowerOrderFinal ? Math.min(order, steps() - i) : order;
            thisOrder = Math.min(o, lowerOrderNums + 1);
            int pp = thisOrder;
            stepTerms(i + 1, i, pp);
            float aTP = 1f - sig[i + 1];
            float ratioP = sig[i + 1] / sig[i], aPhiP = aTP * hPhi1, aBP = aTP * bH;
            if (pp > 1) {
                float[] rho = HALF;
                if (pp > 2) {
                    coefficients(pp);
                    rho = solve(pp - 1);
                }
                System.arraycopy(rho, 0, rhoP, 0, pp - 1);
                System.arraycopy(rk, 0, rkP, 0, pp - 1);
            }
            terms = new Terms(correcting, pc, pp, sig[i], ratioC, aPhiC, aBC, ratioP, aPhiP, aBP, rhoC.clone(),
                    rkC.clone(), rhoP.clone(), rkP.clone(), outputs.clone(), last);
        }

        /**
         * Values {@code from .. to − 1} of the step begun, a chunk at a time through heap arrays, where the
         * arithmetic vectorises (a direct buffer's element accesses do not). Ranges that do not overlap may
         * run at once, on different threads.
         */
        @Override
        public void stepRange(OutputChunks velocity, FloatBuffer sample, int from, int to) {
            Terms t = terms;
            float[][] scratch = SCRATCH.get();
            float[] xs = scratch[0], vs = scratch[1];
            for (int at = from; at < to; at += CHUNK) {
                int len = Math.min(CHUNK, to - at);
                sample.get(at, xs, 0, len);
                velocity.read(at, vs, len);
                if (order <= 2) {
                    t.orderTwo(at, len, xs, vs);
                } else {
                    t.anyOrder(at, len, xs, vs);
                }
                sample.put(at, xs, 0, len);
            }
        }

        @Override
        public void reuseBuffersOf(Sampler finished) {
            if (outputs != null) {
                throw new IllegalStateException("this trajectory has begun");
            }
            if (finished instanceof UniPc f && f != this && f.outputs != null) {
                // the finished trajectory gives its arrays up: it must not be stepped again
                spare = new Buffers(f.outputs, f.last);
                f.outputs = null;
                f.last = null;
                f.completing = null;
            }
        }

        /** Orders 1 and 2, whose update is one multiply-add per value once the history's terms are summed. */
        @Override
        public boolean prepares() {
            return order <= 2;
        }

        @Override
        public void beginPreparedStep(int i, int values) {
            if (!prepares() || (outputs != null && !preparing)) {
                throw new IllegalStateException(prepares() ? "this trajectory is stepped, not prepared"
                        : "UniPC of order " + order + " does not prepare its steps");
            }
            preparing = true;
            beginStep(i, values);
        }

        /**
         * Completes the previous step's history (its corrected sample and its output's x0, exactly as a
         * stepped trajectory computes them, from the sample and output the caller kept) and sums, for every
         * value, what the next sample owes to the history and to {@code sample}: all but the output's term.
         */
        @Override
        public void prepareRange(FloatBuffer sample, FloatBuffer previousSample, OutputChunks previousOutput,
                                 FloatBuffer next, int from, int to) {
            Terms before = completing, t = terms;
            float[][] scratch = SCRATCH.get();
            float[] xs = scratch[0], vs = scratch[1], given = scratch[2];
            for (int at = from; at < to; at += CHUNK) {
                int len = Math.min(CHUNK, to - at);
                if (before != null) {
                    // read before next's values are written: next may be previousSample
                    previousSample.get(at, given, 0, len);
                    previousOutput.read(at, vs, len);
                    before.complete(at, len, given, vs);
                }
                sample.get(at, xs, 0, len);
                t.prepare(at, len, xs, vs);
                next.put(at, vs, 0, len);
            }
        }

        /** The next sample: the sum prepared plus the output's term, in every copy. */
        @Override
        public void advanceRange(OutputChunks velocity, FloatBuffer next, int from, int to) {
            int values = last.length, copies = next.capacity() / values;
            if (copies * values != next.capacity()) {
                throw new IllegalArgumentException(next.capacity() + " values are not whole copies of this trajectory's " + values);
            }
            float scale = terms.outputScale();
            float[][] scratch = SCRATCH.get();
            float[] xs = scratch[0], vs = scratch[1];
            for (int at = from; at < to; at += CHUNK) {
                int len = Math.min(CHUNK, to - at);
                velocity.read(at, vs, len);
                next.get(at, xs, 0, len);
                for (int k = 0; k < len; k++) {
                    xs[k] = xs[k] + scale * vs[k];
                }
                for (int c = 0; c < copies; c++) {
                    next.put(c * values + at, xs, 0, len);
                }
            }
        }

        /** The newest output takes the oldest one's slot, which every range has overwritten (or the next prepare will). */
        @Override
        public void endStep() {
            float[] oldest = outputs[0];
            for (int k = 0; k < order - 1; k++) {
                outputs[k] = outputs[k + 1];
            }
            outputs[order - 1] = oldest;
            haveLast = true;
            if (lowerOrderNums < order) {
                lowerOrderNums++;
            }
            completing = preparing ? terms : null;
            terms = null;
        }

        /**
         * What UniP and UniC share for a step from sigma[s] to sigma[t]: −h (the step in log-SNR),
         * φ1 = e^−h − 1, B(h), and the ratios rk of the p − 1 earlier outputs' log-SNR steps to h.
         */
        private void stepTerms(int t, int s, int p) {
            float lS0 = lambda(1f - sig[s], sig[s]);
            float h = lambda(1f - sig[t], sig[t]) - lS0;
            hh = -h;
            hPhi1 = (float) Math.expm1(hh);
            bH = bh2 ? hPhi1 : hh;
            for (int k = 1; k < p; k++) {
                rk[k - 1] = (lambda(1f - sig[s - k], sig[s - k]) - lS0) / h;
            }
        }

        /**
         * The linear system of order {@code p}: R's rows are the powers 0 to p − 1 of the ratios rk (with 1
         * last), b the φ functions over B(h), as the original builds them in float32.
         */
        private void coefficients(int p) {
            rk[p - 1] = 1f;
            float hPhiK = hPhi1 / hh - 1f;
            int factorial = 1;
            for (int q = 1; q <= p; q++) {
                for (int j = 0; j < p; j++) {
                    r[q - 1][j] = q == 1 ? 1f : q == 2 ? rk[j] : rk[j] * rk[j];
                }
                b[q - 1] = hPhiK * factorial / bH;
                factorial *= q + 1;
                hPhiK = hPhiK / hh - (float) (1.0 / factorial);
            }
        }

        /** The first {@code m} rows and columns of R x = b, by LU with partial pivoting as LAPACK's sgesv does, in float32. */
        private float[] solve(int m) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(r[i], 0, lu[i], 0, m);
                x[i] = b[i];
            }
            for (int j = 0; j < m; j++) {
                int piv = j;
                for (int i = j + 1; i < m; i++) {
                    if (Math.abs(lu[i][j]) > Math.abs(lu[piv][j])) {
                        piv = i;
                    }
                }
                if (piv != j) {
                    float[] row = lu[j];
                    lu[j] = lu[piv];
                    lu[piv] = row;
                    float t = x[j];
                    x[j] = x[piv];
                    x[piv] = t;
                }
                float inv = 1f / lu[j][j];
                for (int i = j + 1; i < m; i++) {
                    lu[i][j] *= inv;
                    for (int k = j + 1; k < m; k++) {
                        lu[i][k] -= lu[i][j] * lu[j][k];
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                for (int k = 0; k < i; k++) {
                    x[i] -= lu[i][k] * x[k];
                }
            }
            for (int i = m - 1; i >= 0; i--) {
                for (int k = i + 1; k < m; k++) {
                    x[i] -= lu[i][k] * x[k];
                }
                x[i] /= lu[i][i];
            }
            return x;
        }
    }

    /**
     * One step's terms and the history it reads, the same for every value: the corrector's ratio, φ and
     * B(h) terms with its ρ and rk, the predictor's, and the outputs (oldest first) and last sample.
     */
    private record Terms(boolean correcting, int pc, int pp, float sigma, float ratioC, float aPhiC, float aBC,
                         float ratioP, float aPhiP, float aBP, float[] rhoC, float[] rkC, float[] rhoP, float[] rkP,
                         float[][] outputs, float[] last) {

        /**
         * Order 1 or 2 over one chunk, without a branch per value so that it vectorises: a term that the
         * order leaves out gets weight 0 (and divisor 1), which adds an exact 0 to a finite value.
         */
        void orderTwo(int from, int len, float[] x, float[] v) {
            int order = outputs.length;
            float[] m0 = outputs[order - 1], oldest = outputs[0], previous = order == 2 ? outputs[0] : m0, l = last;
            float wC1 = pc > 1 ? rhoC[0] : 0f, rkC1 = pc > 1 ? rkC[0] : 1f, wC0 = correcting ? rhoC[pc - 1] : 0f;
            float wP = pp > 1 ? rhoP[0] : 0f, rkP1 = pp > 1 ? rkP[0] : 1f;
            float sigma = this.sigma, ratioC = this.ratioC, aPhiC = this.aPhiC, aBC = this.aBC;
            float ratioP = this.ratioP, aPhiP = this.aPhiP, aBP = this.aBP;
            if (correcting) {
                for (int k = 0; k < len; k++) {
                    int g = from + k;
                    float converted = x[k] - sigma * v[k];
                    float prior = m0[g];
                    float xt = ratioC * l[g] - aPhiC * prior;
                    float c = xt - aBC * (wC1 * ((previous[g] - prior) / rkC1) + wC0 * (converted - prior));
                    l[g] = c;
                    x[k] = ratioP * c - aPhiP * converted - aBP * (wP * ((prior - converted) / rkP1));
                    oldest[g] = converted;
                }
            } else {
                for (int k = 0; k < len; k++) {
                    int g = from + k;
                    float c = x[k];
                    float converted = c - sigma * v[k];
                    float prior = m0[g];
                    l[g] = c;
                    x[k] = ratioP * c - aPhiP * converted - aBP * (wP * ((prior - converted) / rkP1));
                    oldest[g] = converted;
                }
            }
        }

        /**
         * A prepared step's history for one chunk, from the sample the model was given and the output it
         * gave (the chunk's, from index 0): the corrected sample and the output's x0, exactly as
         * {@link #orderTwo} computes them.
         */
        void complete(int from, int len, float[] given, float[] output) {
            int order = outputs.length;
            float[] m0 = outputs[order - 1], oldest = outputs[0], previous = order == 2 ? outputs[0] : m0, l = last;
            float wC1 = pc > 1 ? rhoC[0] : 0f, rkC1 = pc > 1 ? rkC[0] : 1f, wC0 = correcting ? rhoC[pc - 1] : 0f;
            float sigma = this.sigma, ratioC = this.ratioC, aPhiC = this.aPhiC, aBC = this.aBC;
            if (correcting) {
                for (int k = 0; k < len; k++) {
                    int g = from + k;
                    float converted = given[k] - sigma * output[k];
                    float prior = m0[g];
                    float xt = ratioC * l[g] - aPhiC * prior;
                    l[g] = xt - aBC * (wC1 * ((previous[g] - prior) / rkC1) + wC0 * (converted - prior));
                    oldest[g] = converted;
                }
            } else {
                for (int k = 0; k < len; k++) {
                    int g = from + k;
                    float x = given[k];
                    l[g] = x;
                    oldest[g] = x - sigma * output[k];
                }
            }
        }

        /**
         * A prepared step for one chunk: the next sample is linear in the output's x0, x − σ·v, so all but
         * the output's term, {@link #outputScale} · v, is summed here from the history and the chunk's sample
         * x into the chunk's {@code pending} (both from index 0).
         */
        void prepare(int from, int len, float[] x, float[] pending) {
            int order = outputs.length;
            float[] m0 = outputs[order - 1], previous = order == 2 ? outputs[0] : m0, l = last;
            float wC1 = pc > 1 ? rhoC[0] : 0f, rkC1 = pc > 1 ? rkC[0] : 1f, wC0 = correcting ? rhoC[pc - 1] : 0f;
            float ratioC = this.ratioC, aPhiC = this.aPhiC, aBC = this.aBC, ratioP = this.ratioP, beta = predictorWeight();
            float gamma = convertedWeight();
            if (correcting) {
                for (int k = 0; k < len; k++) {
                    int g = from + k;
                    float prior = m0[g];
                    float xt = ratioC * l[g] - aPhiC * prior;
                    float corrected = xt - aBC * (wC1 * ((previous[g] - prior) / rkC1) - wC0 * prior);
                    pending[k] = ratioP * corrected - beta * prior + gamma * x[k];
                }
            } else {
                for (int k = 0; k < len; k++) {
                    int g = from + k;
                    pending[k] = (ratioP + gamma) * x[k] - beta * m0[g];
                }
            }
        }

        /** The predictor's weight on (prior − x0): B(h)·ρ over the ratio, 0 at first order. */
        private float predictorWeight() {
            return pp > 1 ? aBP * rhoP[0] / rkP[0] : 0f;
        }

        /**
         * The next sample's weight on the output's x0: through the corrected sample (−B(h)·ρ of the
         * corrector's last term, times the predictor's ratio), the predictor's φ term and its difference term.
         */
        private float convertedWeight() {
            float alpha = correcting ? -aBC * rhoC[pc - 1] : 0f;
            return ratioP * alpha - aPhiP + predictorWeight();
        }

        /** The next sample's weight on the output v itself: x0 = x − σ·v. */
        float outputScale() {
            return -convertedWeight() * sigma;
        }

        /** Any order (up to 3) over one chunk, a value at a time, in the original's order of operations. */
        void anyOrder(int from, int len, float[] xs, float[] vs) {
            int order = outputs.length;
            float[] m0 = outputs[order - 1], oldest = outputs[0];
            for (int k = 0; k < len; k++) {
                int g = from + k;
                float x = xs[k];
                // the model's x0 at the sample as given (before the corrector moves it)
                float converted = x - sigma * vs[k];
                float prior = m0[g];
                if (correcting) {
                    float xt = ratioC * last[g] - aPhiC * prior;
                    float res = 0;
                    for (int j = 0; j < pc - 1; j++) {
                        float d1 = (outputs[order - 2 - j][g] - prior) / rkC[j];
                        res = j == 0 ? rhoC[0] * d1 : res + rhoC[j] * d1;
                    }
                    x = xt - aBC * (res + rhoC[pc - 1] * (converted - prior));
                }
                last[g] = x;
                // the predictor over the outputs with this one newest: converted, then m0, then the one before
                float xt = ratioP * x - aPhiP * converted;
                if (pp > 1) {
                    float res = 0;
                    for (int j = 0; j < pp - 1; j++) {
                        float earlier = j == 0 ? prior : outputs[order - 1 - j][g];
                        float d1 = (earlier - converted) / rkP[j];
                        res = j == 0 ? rhoP[0] * d1 : res + rhoP[j] * d1;
                    }
                    xt = xt - aBP * res;
                }
                xs[k] = xt;
                // the oldest output's slot is read above for this value only: it now holds the newest
                oldest[g] = converted;
            }
        }
    }

    private static final float[] HALF = {0.5f};
    /** Values per chunk of a step's pass: a pass's chunks stay in the first-level cache. */
    private static final int CHUNK = 2048;
    /**
     * Each thread's three chunks: a step's ranges run on the render's thread and its helper, hundreds of times
     * a render, and arrays made per call were some 260 MB of garbage a render at a video model's sizes
     * (async-profiler's allocation samples over the synthetic flow pack).
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][CHUNK]);

    /** log(α) − log(σ) in float32, as torch computes it on float32 tensors. */
    private static float lambda(float alpha, float sigma) {
        return (float) Math.log(alpha) - (float) Math.log(sigma);
    }
}
