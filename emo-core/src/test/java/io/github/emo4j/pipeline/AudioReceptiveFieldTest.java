package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.PackException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.procedural.ProceduralFlowPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audio_receptive_field}: a whole voice keeps as many feature rows as wav2vec2's convolutions make
 * of it, ⌊(N − 400)/320⌋ + 1, the rows Wan2.2-S2V resamples to 30 a second; without it, one row for every
 * started chunk of 320 samples.
 */
class AudioReceptiveFieldTest {
    @TempDir
    Path dir;

    private long rows(String extraSetting, int samples) throws Exception {
        Path pack = dir.resolve("pack" + extraSetting.length());
        ProceduralFlowPack.of(48, 8, 5, 2).source().writeTo(pack);
        Path manifest = pack.resolve("manifest.json");
        String m = Files.readString(manifest);
        Files.writeString(manifest, m.replace("\"audio_window\": 2,", "\"audio_window\": 2," + extraSetting));
        float[] voice = new float[samples];
        for (int i = 0; i < samples; i++) {
            voice[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.sin(i * 0.0007));
        }
        long[] shape = new long[2];
        try (ModelPack p = ModelPack.load(new FolderPackSource(pack), List.of(ExecutionProvider.CPU), 1)) {
            RenderRequest req = RenderRequest.builder(OracleTest.portrait(), new AudioClip(voice, 16000)).face(OracleTest.FACE)
                    .steps(1).trace(t -> {
                        if (t.name().equals("render/audio_features")) {
                            shape[0] = t.shape()[0];
                            shape[1] = t.shape()[1];
                        }
                    }).build();
            new Renderer(p).render(RenderSpec.of(req), dir.resolve("o" + extraSetting.length() + ".mp4"));
        }
        return shape[0];
    }

    @Test
    void aWholeVoiceKeepsTheRowsItsEncodersConvolutionsMake() throws Exception {
        int n = 16_123;
        assertEquals((n + 319) / 320, rows("", n), "a row for every started chunk");
        assertEquals((n - 400) / 320 + 1, rows(" \"audio_receptive_field\": 400,", n), "wav2vec2's frames: 50, not 51");
    }

    @Test
    void aFieldOutOfRangeIsRefusedByName() throws Exception {
        var e = assertThrows(PackException.class, () -> rows(" \"audio_receptive_field\": -1,", 8000));
        assertTrue(e.getMessage().contains("audio_receptive_field"), e.getMessage());
    }
}
