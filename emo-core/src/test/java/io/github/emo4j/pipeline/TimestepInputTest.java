package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OnnxTensor;
import io.github.emo4j.PackException;
import io.github.emo4j.pack.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timestep reaches the network in the type its graph declares, rounded only for integer types. */
class TimestepInputTest {

    private static Object fed(String dtype, List<Object> shape, double t) throws Exception {
        TimestepInput in = TimestepInput.of(new TensorSpec("timestep", dtype, shape), "pack: denoising_unet");
        in.set(t);
        try (OnnxTensor tensor = in.tensor()) {
            assertArrayEquals(shape.isEmpty() ? new long[0] : new long[] {1}, tensor.getInfo().getShape());
            Object v = tensor.getValue();
            return v.getClass().isArray() ? java.lang.reflect.Array.get(v, 0) : v;
        }
    }

    @Test
    void integerTypesRoundAndFloatTypesKeepTheFraction() throws Exception {
        assertEquals(749L, fed("int64", List.of(1L), 749.4));
        assertEquals(750, fed("int32", List.of(1L), 749.6));
        assertEquals(749.4f, fed("float32", List.of(1L), 749.4));
        assertEquals(749.5f, ((Number) fed("float16", List.of(1L), 749.4)).floatValue(), "fp16 has half steps at 749");
        assertEquals(0.625f, fed("float32", List.of(), 0.625), "a scalar");
    }

    @Test
    void theValueTracedIsTheValueGiven() {
        TimestepInput in = TimestepInput.of(new TensorSpec("timestep", "int64", List.of(1L)), "p");
        in.set(998.7);
        assertEquals(999.0, in.given());
        TimestepInput f = TimestepInput.of(new TensorSpec("timestep", "float32", List.of("batch")), "p");
        f.set(0.3);
        assertEquals(0.3f, (float) f.given());
    }

    @Test
    void aTimestepThatCannotCarryOneValueIsAPackFault() {
        var type = assertThrows(PackException.class,
                () -> TimestepInput.of(new TensorSpec("timestep", "bool", List.of(1L)), "pk: denoising_unet"));
        assertTrue(type.getMessage().startsWith("pk: denoising_unet: input 'timestep' is bool"), type.getMessage());
        var shape = assertThrows(PackException.class,
                () -> TimestepInput.of(new TensorSpec("timestep", "float32", List.of(2L)), "pk: denoising_unet"));
        assertTrue(shape.getMessage().contains("[2]"), shape.getMessage());
    }
}
