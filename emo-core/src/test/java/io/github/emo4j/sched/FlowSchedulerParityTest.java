package io.github.emo4j.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.emo4j.pack.Json;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowMatchEulerDiscreteScheduler} against diffusers' own, run by
 * {@code scripts/reference/flow_match_euler.py} on a diffusers checkout (the commit is in the resource):
 * timesteps and sigmas of thirteen configurations (static, dynamic exponential and linear shifts, Karras,
 * exponential and beta sigmas, a terminal shift, inverted sigmas, another training length), and the trajectory
 * of an analytic model (the exact velocity towards a fixed x0) from fixed noise.
 */
class FlowSchedulerParityTest {

    @Test
    void matchesDiffusersScheduleForScheduleAndStepForStep() throws Exception {
        assertEquals(0, againstOriginal("flow_match_euler_reference.json", 13));
    }

    private static float[] floats(List<Object> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Double) l.get(i)).floatValue();
        }
        return f;
    }

    /**
     * Wan's FlowUniPCMultistepScheduler, run by {@code scripts/reference/wan_flow_unipc.py} on a Wan2.2
     * checkout: Wan2.2-S2V's own use (40 steps, shift 3 at sampling) and ten more (other steps and shifts,
     * first and third order, correctors disabled, a shift in the constructor, another training length). Timesteps and
     * sigmas exactly; trajectories within 2e-6 (the corrector's 2×2 solve is LAPACK's in the original). Two
     * more, bh1 and no lower order at the end, end in NaN in the original: emo4j refuses them by name.
     */
    @Test
    void wansUniPcMatchesWansOwnStepForStep() throws Exception {
        int refused = againstOriginal("wan_flow_unipc_reference.json", 13);
        assertEquals(2, refused, "bh1 and lower_order_final false");
    }

    /**
     * Wan's FlowDPMSolverMultistepScheduler, run by {@code scripts/reference/wan_flow_dpm.py} as Wan's
     * pipelines run it (get_sampling_sigmas, then retrieve_timesteps): eleven configurations, orders 1 to
     * 3, midpoint and Heun, 1 to 40 steps, with and without the lower orders at the end.
     */
    @Test
    void wansDpmSolverMatchesWansOwnStepForStep() throws Exception {
        assertEquals(0, againstOriginal("wan_flow_dpm_reference.json", 11));
    }

    /**
     * diffusers' UniPCMultistepScheduler with use_flow_sigmas (as diffusers' Wan pipelines configure it),
     * run by {@code scripts/reference/diffusers_flow_unipc.py}: flow shifts 1 to 5 (3 and 5 are the 480p
     * and 720p Wan pipelines'), 1 to 40 steps, first order, correctors disabled, a terminal shift, a dynamic
     * shift with μ, another training length, third order; and bh1, which ends in NaN there too and is refused.
     */
    @Test
    void diffusersUniPcWithFlowSigmasMatchesStepForStep() throws Exception {
        assertEquals(1, againstOriginal("diffusers_flow_unipc_reference.json", 12));
    }

    /**
     * Checks the {@code cases} cases of {@code resource}: timesteps and sigmas exactly, the trajectory within
     * 2e-6, stepped and, for samplers that can, prepared; returns how many the original ended in NaN (which must be refused).
     */
    @SuppressWarnings("unchecked")
    private int againstOriginal(String resource, int expectedCases) throws Exception {
        Map<String, Object> doc;
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            doc = (Map<String, Object>) Json.parsePython(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        float[] noise = floats((List<Object>) doc.get("noise"));
        float[] x0 = floats((List<Object>) doc.get("x0"));
        List<Object> cases = (List<Object>) doc.get("cases");
        assertEquals(expectedCases, cases.size());
        double worst = 0, worstPrepared = 0;
        int refused = 0, prepared = 0;
        for (Object o : cases) {
            Map<String, Object> c = (Map<String, Object>) o;
            Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) c.get("config"));
            int steps = ((Double) c.get("steps")).intValue();
            Double mu = (Double) c.get("mu");
            String name = config + " " + steps + " steps" + (mu == null ? "" : " mu " + mu);
            // through the registry, as a pack's or ./emo schedule's configuration is
            java.util.function.Function<Map<String, Object>, Scheduler> make = m -> Schedulers.anyFromConfig(m, mu);
            List<Object> fin = (List<Object>) c.get("final");
            if (fin.stream().anyMatch(f -> ((Double) f).isNaN())) {
                // the original ends in NaN here: emo4j refuses the configuration by name
                IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> make.apply(config), name);
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("ends in NaN in Wan's and diffusers' own UniPC"), e.getMessage());
                refused++;
                continue;
            }
            Sampler sampler = make.apply(config).sampler(steps);
            float[] ts = floats((List<Object>) c.get("timesteps"));
            float[] sigmas = floats((List<Object>) c.get("sigmas"));
            assertEquals(ts.length, sampler.timesteps().length, name);
            for (int i = 0; i < ts.length; i++) {
                assertEquals(ts[i], (float) sampler.timesteps()[i], 0f, name + ": timestep " + i);
            }
            for (int i = 0; i < sigmas.length; i++) {
                assertEquals(sigmas[i], (float) sampler.sigmas()[i], 0f, name + ": sigma " + i);
            }
            FloatBuffer x = stepped(sampler, steps, noise, x0);
            float[] expected = floats(fin);
            for (int k = 0; k < expected.length; k++) {
                worst = Math.max(worst, Math.abs(expected[k] - x.get(k)));
                assertEquals(expected[k], x.get(k), 2e-6f, name + ": final sample " + k);
            }
            // a trajectory on an ended one's arrays, as a render's next clip takes them: bit for bit a fresh one's
            Sampler reusing = make.apply(config).sampler(steps);
            reusing.reuseBuffersOf(sampler);
            FloatBuffer z = stepped(reusing, steps, noise, x0);
            for (int k = 0; k < noise.length; k++) {
                assertEquals(x.get(k), z.get(k), 0f, name + ": final sample " + k + " on an ended trajectory's arrays");
            }
            Sampler again = make.apply(config).sampler(steps);
            // the stepped trajectory's arrays, now the reusing one's, serve the prepared one
            again.reuseBuffersOf(reusing);
            if (again.prepares()) {
                // prepared as a render prepares it (the history while the model runs, then the output's term):
                // the terms are summed in another order, within the same 2e-6 (measured: 6e-8)
                FloatBuffer y = prepared(again, steps, noise, x0, 5);
                for (int k = 0; k < expected.length; k++) {
                    worstPrepared = Math.max(worstPrepared, Math.abs(expected[k] - y.get(k)));
                    assertEquals(expected[k], y.get(k), 2e-6f, name + ": final sample " + k + ", prepared");
                }
                // prepared again on the prepared trajectory's arrays (its preparation's too): bit for bit the same
                Sampler third = make.apply(config).sampler(steps);
                third.reuseBuffersOf(again);
                FloatBuffer u = prepared(third, steps, noise, x0, 0);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(y.get(k), u.get(k), 0f, name + ": final sample " + k + ", prepared on an ended trajectory's arrays");
                }
                prepared++;
            }
        }
        System.out.println(resource + ": largest difference from the original " + worst + "; prepared, over " + prepared
                + " cases: " + worstPrepared);
        return refused;
    }

    /** The scripts' model: the exact velocity toward {@code x0}, or the difference where sigma is 0 (inverted sigmas). */
    private static FloatBuffer velocity(Sampler sampler, int i, FloatBuffer x, float[] x0) {
        float sigma = (float) sampler.sigmas()[i];
        FloatBuffer v = FloatBuffer.allocate(x0.length);
        for (int k = 0; k < x0.length; k++) {
            float d = x.get(k) - x0[k];
            v.put(k, sigma > 0 ? d / sigma : d);
        }
        return v;
    }

    /** A whole trajectory from {@code noise}, step by step. */
    private static FloatBuffer stepped(Sampler sampler, int steps, float[] noise, float[] x0) {
        FloatBuffer x = FloatBuffer.wrap(noise.clone());
        for (int i = 0; i < steps; i++) {
            sampler.step(i, velocity(sampler, i, x, x0), x);
        }
        return x;
    }

    /**
     * A whole trajectory from {@code noise}, prepared as a render prepares it: the history while the model
     * runs, then the output's term; two sides, each an input of two copies (two guidance branches) and an
     * output, alternating step by step, the next input summed where the last step's input was. With
     * {@code split} above 0, in two ranges, the second first, as two threads may take them. Returns the
     * last input's first copy, after checking that its second copy is the same.
     */
    private static FloatBuffer prepared(Sampler sampler, int steps, float[] noise, float[] x0, int split) {
        int n = noise.length;
        FloatBuffer[] inputs = {FloatBuffer.allocate(2 * n), FloatBuffer.allocate(2 * n)};
        inputs[0].put(0, noise).put(n, noise);
        // what the other side's buffers held before: nothing a prepared step may read at its first step
        Arrays.fill(inputs[1].array(), Float.NaN);
        FloatBuffer[] outputs = {null, FloatBuffer.wrap(nans(n))};
        for (int i = 0; i < steps; i++) {
            FloatBuffer now = inputs[i & 1], next = inputs[(i + 1) & 1], before = outputs[(i + 1) & 1];
            outputs[i & 1] = velocity(sampler, i, now, x0);
            FloatBuffer v = outputs[i & 1];
            OutputChunks out = (from, into, length) -> v.get(from, into, 0, length);
            OutputChunks previous = (from, into, length) -> before.get(from, into, 0, length);
            sampler.beginPreparedStep(i, n);
            sampler.prepareRange(now.asReadOnlyBuffer(), next, previous, next, split, n);
            if (split > 0) {
                sampler.prepareRange(now.asReadOnlyBuffer(), next, previous, next, 0, split);
            }
            int advanceSplit = Math.min(split, 3);
            sampler.advanceRange(out, next, advanceSplit, n);
            if (advanceSplit > 0) {
                sampler.advanceRange(out, next, 0, advanceSplit);
            }
            sampler.endStep();
        }
        FloatBuffer last = inputs[steps & 1];
        for (int k = 0; k < n; k++) {
            assertEquals(last.get(k), last.get(n + k), 0f, "the second copy of value " + k);
        }
        return FloatBuffer.wrap(Arrays.copyOf(last.array(), n));
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }
}
