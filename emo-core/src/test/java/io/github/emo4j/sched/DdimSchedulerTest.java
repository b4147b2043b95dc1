package io.github.emo4j.sched;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.procedural.ProceduralPack;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DdimSchedulerTest {

    private static Map<String, Object> sd(String spacing) {
        Map<String, Object> c = new HashMap<>(ProceduralPack.schedulerConfig());
        c.put("timestep_spacing", spacing);
        return c;
    }

    @Test
    void timestepsMatchDiffusersSetTimesteps() {
        // values from diffusers' set_timesteps formulas: leading uses N//n strides plus steps_offset,
        // trailing rounds arange(N, 0, -N/n) and subtracts one, linspace rounds half to even
        DdimScheduler leading = new DdimScheduler(sd("leading"));
        assertArrayEquals(new long[] {751, 501, 251, 1}, leading.timesteps(4));
        assertArrayEquals(new long[] {1}, leading.timesteps(1));
        long[] fifty = leading.timesteps(50);
        assertEquals(981, fifty[0]);
        assertEquals(1, fifty[49]);
        DdimScheduler trailing = new DdimScheduler(sd("trailing"));
        assertArrayEquals(new long[] {999, 666, 332}, trailing.timesteps(3));
        assertArrayEquals(new long[] {999, 749, 499, 249}, trailing.timesteps(4));
        DdimScheduler linspace = new DdimScheduler(sd("linspace"));
        assertArrayEquals(new long[] {999, 666, 333, 0}, linspace.timesteps(4));
        assertArrayEquals(new long[] {999, 500, 0}, linspace.timesteps(3));
    }

    @Test
    void scaledLinearScheduleMatchesItsDefinition() {
        NoiseSchedule s = NoiseSchedule.from(ProceduralPack.schedulerConfig());
        double b0 = 0.00085;
        assertEquals(1 - b0, s.alphaCumprod(0), 1e-12);
        double a = Math.sqrt(0.00085), b = Math.sqrt(0.012);
        double p = 1;
        for (int i = 0; i < 1000; i++) {
            double beta = Math.pow(a + (b - a) * i / 999.0, 2);
            p *= 1 - beta;
        }
        assertEquals(p, s.alphaCumprod(999), 1e-12);
    }

    @Test
    void zeroTerminalSnrRescaleEndsAtZero() {
        Map<String, Object> c = sd("trailing");
        c.put("rescale_betas_zero_snr", true);
        NoiseSchedule s = NoiseSchedule.from(c);
        assertEquals(0, s.alphaCumprod(999), 1e-12);
        assertEquals(NoiseSchedule.from(sd("trailing")).alphaCumprod(0), s.alphaCumprod(0), 1e-12);
    }

    @Test
    void oneStepWithTheTrueNoiseRecoversTheSample() {
        DdimScheduler d = new DdimScheduler(sd("leading"));
        Sampler sm = d.sampler(1);
        int t = (int) sm.timesteps()[0];
        double a = d.noiseSchedule().alphaCumprod(t);
        FloatBuffer x = buf(8), eps = buf(8);
        float[] x0 = {0.1f, -0.5f, 0.9f, 0f, 0.3f, -1f, 0.7f, 0.2f};
        for (int i = 0; i < 8; i++) {
            float e = (float) Math.sin(i + 1.0);
            eps.put(i, e);
            x.put(i, (float) (Math.sqrt(a) * x0[i] + Math.sqrt(1 - a) * e));
        }
        sm.step(0, eps, x);
        for (int i = 0; i < 8; i++) {
            assertEquals(x0[i], x.get(i), 1e-5);
        }
    }

    @Test
    void refusesUnsupportedConfigurations() {
        Map<String, Object> c = sd("leading");
        c.put("prediction_type", "mystery");
        assertThrows(IllegalArgumentException.class, () -> new DdimScheduler(c));
        Map<String, Object> e = sd("leading");
        e.put("_class_name", "NoSuchScheduler");
        assertThrows(IllegalArgumentException.class, () -> Schedulers.fromConfig(e));
    }

    private static FloatBuffer buf(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
