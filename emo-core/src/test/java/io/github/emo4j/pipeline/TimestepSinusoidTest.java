package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.PackException;
import io.github.emo4j.pack.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wan's timestep sinusoid: cosines then sines of t·10000^(−k/H), from float64. */
class TimestepSinusoidTest {

    @Test
    void cosinesThenSinesOfTheTimestepAtGeometricFrequencies() {
        TimestepSinusoid s = TimestepSinusoid.of(new TensorSpec("timestep_sinusoid", "float32", List.of(1L, 256L)), "denoiser");
        s.set(999);
        assertArrayEquals(new long[] {1, 256}, s.tensor.shape());
        assertEquals((float) Math.cos(999), s.tensor.get(0));
        assertEquals((float) Math.sin(999), s.tensor.get(128));
        double f5 = 1 / Math.pow(10000, 5 / 128.0);
        assertEquals((float) Math.cos(999 * f5), s.tensor.get(5), 1e-7);
        assertEquals((float) Math.sin(999 * f5), s.tensor.get(133), 1e-7);
        assertEquals(0.99424, s.tensor.get(127), 1e-5, "the slowest frequency, 10000^(-127/128): cos(0.1073)");
        s.set(0);
        assertEquals(1f, s.tensor.get(3));
        assertEquals(0f, s.tensor.get(131));
    }

    @Test
    void aShapeThatCannotHoldItIsNamed() {
        var e = assertThrows(PackException.class, () -> TimestepSinusoid.of(
                new TensorSpec("timestep_sinusoid", "float32", List.of(1L, 255L)), "packs/wan: denoising_unet"));
        assertTrue(e.getMessage().startsWith("packs/wan: denoising_unet: input 'timestep_sinusoid' is float32[1, 255]"), e.getMessage());
    }
}
