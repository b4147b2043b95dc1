package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every compressed decoder's output passes through {@link MonoSamples}: a NaN or infinity there is refused by name. */
class MonoSamplesTest {
    private static final Path FILE = Path.of("voice.ogg");

    @Test
    void nonFiniteSamplesAreRefusedByNameAndPosition() throws Exception {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            MonoSamples out = new MonoSamples(FILE);
            out.add(new float[] {0.1f, 0.2f, bad, 0.3f}, 4, 16_000);
            AudioException e = assertThrows(AudioException.class, () -> out.clip(0, out.size(), 16_000));
            assertEquals("voice.ogg: decoded sample 2 (at 0.000 s) is " + bad + ": the data is damaged", e.getMessage());
        }
        MonoSamples good = new MonoSamples(FILE);
        good.add(new float[] {0.1f, -1f, 1f}, 3, 8_000);
        assertArrayEquals(new float[] {0.1f, -1f, 1f}, good.clip(0, 3, 8_000).samples());
    }
}
