package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.FeatureKind;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.testkit.SyntheticPack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs whose audio encoder takes whisper's log-mel (EchoMimic's kind), in windows, with context windows. */
class AudioInputTest {

    @TempDir
    Path dir;

    private static final SyntheticPack ECHO = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).inLayout(SyntheticPack.Layout.ECHOMIMIC);

    @Test
    void whisperWindowsBecomeOneFeatureRowPerFiftiethOfASecond() throws Exception {
        try (ModelPack pack = ModelPack.load(ECHO.source(), List.of(ExecutionProvider.CPU), 1)) {
            assertEquals(FeatureKind.WHISPER_LOGMEL_80, pack.settings().audioInput());
            // 7 s: three windows of 3 s (300 mel frames), the second one silent, the third padded
            float[] s = new float[7 * 16000];
            for (int i = 0; i < s.length; i++) {
                boolean silent = i >= 3 * 16000 && i < 6 * 16000;
                s[i] = silent ? 0f : (float) (0.3 * Math.sin(i * 0.05) * (1 + Math.sin(i * 0.0007)));
            }
            AudioConditioning a = AudioConditioning.encodeWhole(pack, new AudioClip(s, 16000), 25);
            float[][] f = a.features();
            assertEquals(350, f.length, "7 s at 50 features a second");
            // features of the silent middle window (away from its edges, where the STFT still hears the
            // voice) are all alike, and unlike the voiced ones on either side
            for (int i = 155; i < 295; i++) {
                assertArrayEquals(f[154], f[i], 1e-6f, "silent row " + i);
            }
            assertFalse(java.util.Arrays.equals(f[10], f[154]));
            assertFalse(java.util.Arrays.equals(f[310], f[154]));
        }
    }

    @Test
    void anEchoMimicLayoutRendersWithContextWindows() throws Exception {
        try (ModelPack pack = ModelPack.load(ECHO.source(), List.of(ExecutionProvider.CPU), 1)) {
            assertEquals(2, pack.settings().contextOverlap());
            BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
            float[] s = new float[8000];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (0.3 * Math.sin(i * 0.05));
            }
            RenderRequest req = RenderRequest.builder(img, new AudioClip(s, 16000)).face(new FaceBox(24, 24, 48, 48)).steps(2).build();
            Path a = dir.resolve("a.mp4"), b = dir.resolve("b.mp4");
            Renderer r = new Renderer(pack);
            assertEquals(13, r.render(RenderSpec.of(req), a).frames());
            r.render(RenderSpec.of(req), b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        }
    }

    @Test
    void tooLongForTheFeaturesIsRefusedBeforeAllocating() throws Exception {
        try (ModelPack pack = ModelPack.load(ECHO.source(), List.of(ExecutionProvider.CPU), 1)) {
            // 16 values at 50 Hz: 800 a second; 2^28 values last about 93 hours
            AudioConditioning.checkLength(24 * 3600, pack.settings());
            var e = assertThrows(InvalidInputException.class, () -> AudioConditioning.checkLength(100 * 3600, pack.settings()));
            assertTrue(e.getMessage().contains("too long") && e.getMessage().contains("at most 335544 s"), e.getMessage());
        }
    }

    @Test
    void paddingToWholeClipsKeepsTheVoicedRowsAndAddsSilence() throws Exception {
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        float[] s = new float[8000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        float[][][] f = new float[2][][];
        io.github.emo4j.pack.PackSource[] sources = {sp.source(), sp.source(java.util.Map.of("audio_pad_to_clips", true))};
        for (int k = 0; k < 2; k++) {
            try (ModelPack pack = ModelPack.load(sources[k], List.of(ExecutionProvider.CPU), 1)) {
                f[k] = AudioConditioning.encodeWhole(pack, new AudioClip(s, 16000), 25).features();
            }
        }
        // 0.5 s: 13 frames at 25 fps, 4 clips of 4 = 16 frames = 0.64 s = 32 rows of 20 ms
        assertEquals(25, f[0].length);
        assertEquals(32, f[1].length);
        for (int i = 0; i < 25; i++) {
            assertArrayEquals(f[0][i], f[1][i], "row " + i + " (this encoder sees each chunk alone)");
        }
        for (int i = 25; i < 32; i++) {
            assertArrayEquals(new float[16], f[1][i], 1e-6f, "silence after the voice, row " + i);
        }
    }
}
