package io.github.emo4j.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Schedulers against a plain restatement of their published update rules (diffusers' formulas), over
 * full trajectories driven by a synthetic model, for 1, 4, 20 and 40 steps.
 */
class SchedulerParityTest {

    static final int N = 1000;

    static Map<String, Object> config(String cls, String schedule, String spacing, String prediction) {
        Map<String, Object> c = new HashMap<>();
        c.put("_class_name", cls);
        c.put("num_train_timesteps", 1000.0);
        c.put("beta_start", 0.00085);
        c.put("beta_end", 0.012);
        c.put("beta_schedule", schedule);
        c.put("timestep_spacing", spacing);
        c.put("prediction_type", prediction);
        c.put("steps_offset", 1.0);
        c.put("clip_sample", false);
        return c;
    }

    static double[] alphasCumprod(String schedule) {
        double[] ac = new double[N];
        double p = 1;
        for (int i = 0; i < N; i++) {
            double beta = schedule.equals("linear") ? 0.00085 + (0.012 - 0.00085) * i / (N - 1)
                    : Math.pow(Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) * i / (N - 1), 2);
            p *= 1 - beta;
            ac[i] = p;
        }
        return ac;
    }

    /** A deterministic stand-in for a network: its output depends on the sample and the timestep. */
    static double model(double x, double t, int k) {
        return 0.4 * x + 0.2 * Math.sin(0.013 * t + k) - 0.05 * x * x * Math.signum(x);
    }

    static FloatBuffer buf(double[] v) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < v.length; i++) {
            b.put(i, (float) v[i]);
        }
        return b;
    }

    static double[] start(int n, float sigma) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = sigma * Math.sin(1.7 * k + 0.3) * 1.3;
        }
        return x;
    }

    /** Runs our sampler with the synthetic model. */
    static double[] run(Sampler s, int n) {
        double[] ts = s.timesteps();
        double[] x = start(n, s.initNoiseSigma());
        FloatBuffer sample = buf(x), out = buf(new double[n]);
        for (int i = 0; i < ts.length; i++) {
            for (int k = 0; k < n; k++) {
                out.put(k, (float) model(sample.get(k) * s.inputScale(i), ts[i], k));
            }
            s.step(i, out, sample);
        }
        double[] r = new double[n];
        for (int k = 0; k < n; k++) {
            r[k] = sample.get(k);
        }
        return r;
    }

    static void assertClose(double[] want, double[] got, String what) {
        for (int k = 0; k < want.length; k++) {
            double tol = 1e-4 * Math.max(1, Math.abs(want[k]));
            assertEquals(want[k], got[k], tol, what + " element " + k);
        }
    }

    @ParameterizedTest(name = "Euler {0} {1} {2} {3} steps karras={4}")
    @CsvSource({
        "scaled_linear, linspace, epsilon, 1, false", "scaled_linear, linspace, epsilon, 4, false",
        "scaled_linear, leading, epsilon, 20, false", "linear, trailing, v_prediction, 40, false",
        "scaled_linear, linspace, sample, 20, false", "scaled_linear, leading, epsilon, 4, true",
        "scaled_linear, linspace, epsilon, 40, true", "linear, trailing, epsilon, 20, true"})
    void euler(String schedule, String spacing, String prediction, int steps, boolean karras) {
        Map<String, Object> c = config("EulerDiscreteScheduler", schedule, spacing, prediction);
        c.put("use_karras_sigmas", karras);
        Sampler s = new EulerDiscreteScheduler(c).sampler(steps);
        double[] ac = alphasCumprod(schedule);
        double[] all = new double[N];
        for (int i = 0; i < N; i++) {
            all[i] = Math.sqrt((1 - ac[i]) / ac[i]);
        }
        double[] ts = s.timesteps();
        double[] sig = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double t = ts[i];
            int lo = (int) Math.floor(t);
            sig[i] = lo >= N - 1 ? all[N - 1] : all[lo] + (all[lo + 1] - all[lo]) * (t - lo);
        }
        if (karras) {
            // the timesteps were recomputed from Karras sigmas; rebuild those sigmas from the rule
            double[] base = new double[steps];
            double[] raw = Spacing.timesteps(spacing, steps, N, 1, false);
            for (int i = 0; i < steps; i++) {
                int lo = (int) Math.floor(raw[i]);
                base[i] = lo >= N - 1 ? all[N - 1] : all[lo] + (all[lo + 1] - all[lo]) * (raw[i] - lo);
            }
            double mn = Math.pow(base[steps - 1], 1 / 7.0), mx = Math.pow(base[0], 1 / 7.0);
            for (int i = 0; i < steps; i++) {
                double r = steps == 1 ? 0 : i / (double) (steps - 1);
                sig[i] = Math.pow(mx + r * (mn - mx), 7);
            }
        }
        int n = 16;
        double maxSig = 0;
        for (double v : sig) {
            maxSig = Math.max(maxSig, v);
        }
        double init = spacing.equals("leading") ? Math.sqrt(maxSig * maxSig + 1) : maxSig;
        assertEquals(init, s.initNoiseSigma(), 1e-4 * init);
        double[] x = start(n, (float) init);
        for (int i = 0; i < steps; i++) {
            for (int k = 0; k < n; k++) {
                double xf = (float) x[k];
                double m = (float) model(xf * (float) (1 / Math.sqrt(sig[i] * sig[i] + 1)), ts[i], k);
                double x0 = prediction.equals("epsilon") ? xf - sig[i] * m
                        : prediction.equals("sample") ? m
                        : m * (-sig[i] / Math.sqrt(sig[i] * sig[i] + 1)) + xf / (sig[i] * sig[i] + 1);
                x[k] = xf + (xf - x0) / sig[i] * (sig[i + 1] - sig[i]);
            }
        }
        assertClose(x, run(new EulerDiscreteScheduler(c).sampler(steps), n), "euler");
    }

    @Test
    void eulerAndDpmTimestepsFollowDiffusers() {
        assertArrayEquals(new double[] {999, 666, 333, 0},
                new EulerDiscreteScheduler(config("EulerDiscreteScheduler", "scaled_linear", "linspace", "epsilon")).sampler(4).timesteps());
        assertArrayEquals(new double[] {999, 499.5, 0},
                new EulerDiscreteScheduler(config("EulerDiscreteScheduler", "scaled_linear", "linspace", "epsilon")).sampler(3).timesteps());
        DpmSolverMultistepScheduler lin = new DpmSolverMultistepScheduler(config("DPMSolverMultistepScheduler", "scaled_linear", "linspace", "epsilon"));
        assertArrayEquals(new double[] {999, 749, 500, 250}, lin.timesteps(4));
        DpmSolverMultistepScheduler lead = new DpmSolverMultistepScheduler(config("DPMSolverMultistepScheduler", "scaled_linear", "leading", "epsilon"));
        assertArrayEquals(new double[] {801, 601, 401, 201}, lead.timesteps(4));
        DpmSolverMultistepScheduler trail = new DpmSolverMultistepScheduler(config("DPMSolverMultistepScheduler", "scaled_linear", "trailing", "epsilon"));
        assertArrayEquals(new double[] {999, 749, 499, 249}, trail.timesteps(4));
    }

    @ParameterizedTest(name = "DPM++2M {0} {1} {2} {3} steps karras={4}")
    @CsvSource({
        "scaled_linear, linspace, epsilon, 1, false", "scaled_linear, linspace, epsilon, 4, false",
        "scaled_linear, leading, epsilon, 20, false", "linear, trailing, v_prediction, 40, false",
        "scaled_linear, linspace, sample, 20, false", "scaled_linear, linspace, epsilon, 20, true",
        "scaled_linear, trailing, epsilon, 40, true", "linear, leading, v_prediction, 4, true"})
    void dpmSolverPlusPlus2M(String schedule, String spacing, String prediction, int steps, boolean karras) {
        Map<String, Object> c = config("DPMSolverMultistepScheduler", schedule, spacing, prediction);
        c.put("use_karras_sigmas", karras);
        DpmSolverMultistepScheduler sched = new DpmSolverMultistepScheduler(c);
        double[] ac = alphasCumprod(schedule);
        double[] all = new double[N];
        for (int i = 0; i < N; i++) {
            all[i] = Math.sqrt((1 - ac[i]) / ac[i]);
        }
        double[] ts = sched.sampler(steps).timesteps();
        double[] sig = new double[steps + 1];
        if (karras) {
            double mn = Math.pow(all[0], 1 / 7.0), mx = Math.pow(all[N - 1], 1 / 7.0);
            for (int i = 0; i < steps; i++) {
                double r = steps == 1 ? 0 : i / (double) (steps - 1);
                sig[i] = Math.pow(mx + r * (mn - mx), 7);
            }
        } else {
            for (int i = 0; i < steps; i++) {
                sig[i] = all[(int) ts[i]];
            }
        }
        int n = 16;
        double[] x = start(n, 1f);
        double[] prevX0 = new double[n];
        for (int i = 0; i < steps; i++) {
            double a0 = 1 / Math.sqrt(sig[i] * sig[i] + 1), s0 = sig[i] * a0;
            double at = 1 / Math.sqrt(sig[i + 1] * sig[i + 1] + 1), st = sig[i + 1] * at;
            double h = (Math.log(at) - Math.log(st)) - (Math.log(a0) - Math.log(s0));
            for (int k = 0; k < n; k++) {
                double xf = (float) x[k];
                double m = (float) model(xf, ts[i], k);
                double x0 = prediction.equals("epsilon") ? (xf - s0 * m) / a0 : prediction.equals("sample") ? m : a0 * xf - s0 * m;
                double next;
                if (i == 0 || i == steps - 1) {
                    next = st / s0 * xf - at * (Math.exp(-h) - 1) * x0;
                } else {
                    double a1 = 1 / Math.sqrt(sig[i - 1] * sig[i - 1] + 1), s1 = sig[i - 1] * a1;
                    double r0 = ((Math.log(a0) - Math.log(s0)) - (Math.log(a1) - Math.log(s1))) / h;
                    double d1 = (x0 - prevX0[k]) / r0;
                    next = st / s0 * xf - at * (Math.exp(-h) - 1) * x0 - 0.5 * at * (Math.exp(-h) - 1) * d1;
                }
                prevX0[k] = (float) x0;
                x[k] = next;
            }
        }
        assertClose(x, run(sched.sampler(steps), n), "dpm++2m");
    }

    @ParameterizedTest(name = "DDPM {0} {1} {2} steps")
    @CsvSource({"scaled_linear, leading, epsilon, 1", "scaled_linear, leading, epsilon, 4",
        "linear, trailing, v_prediction, 20", "scaled_linear, linspace, sample, 40"})
    void ddpmWithTheSameNoise(String schedule, String spacing, String prediction, int steps) {
        Map<String, Object> c = config("DDPMScheduler", schedule, spacing, prediction);
        DdpmScheduler d = new DdpmScheduler(c);
        double[] ac = alphasCumprod(schedule);
        Sampler s = d.sampler(steps, 99);
        double[] ts = s.timesteps();
        int n = 16;
        double[] x = start(n, 1f);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(99);
        for (int i = 0; i < steps; i++) {
            int t = (int) ts[i], prev = t - N / steps;
            double a = ac[t], ap = prev >= 0 ? ac[prev] : 1;
            for (int k = 0; k < n; k++) {
                double xf = (float) x[k];
                double m = (float) model(xf, t, k);
                double x0 = prediction.equals("epsilon") ? (xf - Math.sqrt(1 - a) * m) / Math.sqrt(a)
                        : prediction.equals("sample") ? m : Math.sqrt(a) * xf - Math.sqrt(1 - a) * m;
                double mean = Math.sqrt(ap) * (1 - a / ap) / (1 - a) * x0 + Math.sqrt(a / ap) * (1 - ap) / (1 - a) * xf;
                if (t > 0) {
                    mean += Math.sqrt(Math.max((1 - ap) / (1 - a) * (1 - a / ap), 1e-20)) * DdpmScheduler.gaussian(rnd);
                }
                x[k] = mean;
            }
        }
        assertClose(x, run(d.sampler(steps, 99), n), "ddpm");
    }

    @Test
    void lcmTimestepsFollowTheSkippingSchedule() {
        LcmScheduler l = new LcmScheduler(config("LCMScheduler", "scaled_linear", "leading", "epsilon"));
        // origin = [19, 39, ..., 999] reversed; indices floor(linspace(0, 50, n, endpoint=False))
        assertArrayEquals(new double[] {999, 759, 499, 259}, l.timesteps(4));
        assertArrayEquals(new double[] {999}, l.timesteps(1));
        assertEquals(979, l.timesteps(50)[1]);
        assertThrows(IllegalArgumentException.class, () -> l.timesteps(51));
    }

    @ParameterizedTest(name = "LCM {0} {1} steps")
    @CsvSource({"epsilon, 1", "epsilon, 4", "v_prediction, 20", "sample, 40"})
    void lcmWithTheSameNoise(String prediction, int steps) {
        Map<String, Object> c = config("LCMScheduler", "scaled_linear", "leading", prediction);
        LcmScheduler l = new LcmScheduler(c);
        double[] ac = alphasCumprod("scaled_linear");
        double[] ts = l.timesteps(steps);
        int n = 16;
        double[] x = start(n, 1f);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int i = 0; i < steps; i++) {
            int t = (int) ts[i];
            int prev = i + 1 < steps ? (int) ts[i + 1] : t;
            double a = ac[t], ap = ac[prev];
            double st = t * 10.0;
            double cSkip = 0.25 / (st * st + 0.25), cOut = st / Math.sqrt(st * st + 0.25);
            for (int k = 0; k < n; k++) {
                double xf = (float) x[k];
                double m = (float) model(xf, t, k);
                double x0 = prediction.equals("epsilon") ? (xf - Math.sqrt(1 - a) * m) / Math.sqrt(a)
                        : prediction.equals("sample") ? m : Math.sqrt(a) * xf - Math.sqrt(1 - a) * m;
                double den = cOut * x0 + cSkip * xf;
                x[k] = i == steps - 1 ? den : Math.sqrt(ap) * den + Math.sqrt(1 - ap) * DdpmScheduler.gaussian(rnd);
            }
        }
        assertClose(x, run(l.sampler(steps, 5), n), "lcm");
    }
}
