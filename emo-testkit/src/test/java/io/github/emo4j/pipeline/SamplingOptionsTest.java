package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.testkit.SyntheticPack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a request's sampling options meet the pack: a denoiser exported with its guidance batch fixed at
 * two (Hallo always runs both branches) runs both at guidance 1, which gives the conditional
 * prediction; and a request may switch the sampling algorithm on the pack's noise schedule.
 */
class SamplingOptionsTest {

    @TempDir
    Path dir;

    private List<float[]> frames(Path folder, RenderRequest req) throws Exception {
        List<float[]> out = new ArrayList<>();
        try (ModelPack pack = ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            r.observe((clip, pixels, valid) -> out.add(pixels));
            r.render(RenderSpec.of(req), dir.resolve(folder.getFileName() + ".mp4"));
        }
        return out;
    }

    @Test
    void guidanceOneOnAFixedPairOfBranchesIsTheConditionalPrediction() throws Exception {
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        Path free = dir.resolve("free"), fixed = dir.resolve("fixed");
        sp.source().writeTo(free);
        sp.source().writeTo(fixed);
        Path m = fixed.resolve("manifest.json");
        String json = Files.readString(m);
        String sample = "\"name\": \"sample\",\n          \"dtype\": \"float32\",\n          \"shape\": [\"batch\"";
        assertTrue(json.contains(sample), "manifest layout");
        Files.writeString(m, json.replace(sample, sample.replace("[\"batch\"", "[2")));

        float[] s = new float[6000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        RenderRequest req = RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), new AudioClip(s, 16000))
                .face(new FaceBox(24, 24, 48, 48)).steps(2).guidance(1.0).build();
        List<float[]> single = frames(free, req), pair = frames(fixed, req);
        assertEquals(single.size(), pair.size());
        double worst = 0;
        for (int c = 0; c < single.size(); c++) {
            for (int i = 0; i < single.get(c).length; i++) {
                worst = Math.max(worst, Math.abs(single.get(c)[i] - pair.get(c)[i]));
            }
        }
        assertTrue(worst < 1e-5, "largest difference " + worst);

        var e = assertThrows(InvalidInputException.class, () -> frames(fixed, req.toBuilder().guidance(3).referenceGuidance(2).build()));
        assertTrue(e.getMessage().contains("runs 2 guidance branches") && e.getMessage().contains("needs 3"), e.getMessage());
    }

    @Test
    void aRequestCanSwitchTheSamplingAlgorithm() throws Exception {
        SyntheticPack sp = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7);
        Path folder = dir.resolve("sched");
        sp.source().writeTo(folder);
        float[] s = new float[6000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        RenderRequest req = RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), new AudioClip(s, 16000))
                .face(new FaceBox(24, 24, 48, 48)).steps(3).build();
        List<float[]> ddim = frames(folder, req), euler = frames(folder, req.toBuilder().scheduler("euler").build()),
                dpm = frames(folder, req.toBuilder().scheduler("dpm++2m-karras").build()), same = frames(folder, req.toBuilder().scheduler("ddim").build());
        assertFalse(java.util.Arrays.equals(ddim.get(0), euler.get(0)), "a random denoiser lands elsewhere with Euler");
        assertFalse(java.util.Arrays.equals(ddim.get(0), dpm.get(0)));
        assertArrayEquals(ddim.get(0), same.get(0), "naming the pack's own algorithm changes nothing");
        assertThrows(InvalidInputException.class, () -> req.toBuilder().scheduler("plms").build());
        var e = assertThrows(InvalidInputException.class, () -> frames(folder, req.toBuilder().scheduler("lcm").steps(999).build()));
        assertTrue(e.getMessage().contains("scheduler lcm"), e.getMessage());
    }
}
