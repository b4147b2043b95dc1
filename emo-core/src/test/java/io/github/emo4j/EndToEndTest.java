package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.EnergyEnvelope;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.procedural.ProceduralFace;
import io.github.emo4j.video.Mp4Reader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's one-liner on the bundled sample, checked on the MP4 as a viewer would get it: decoded
 * again with JCodec.
 */
class EndToEndTest {

    static final Path PORTRAIT = Path.of("../samples/portrait-astronaut.png");
    static final Path SPEECH = Path.of("../samples/speech-sample.wav");

    static Video video;
    static BufferedImage portrait;
    static AudioClip audio;
    static DetectedFace face;
    static List<int[]> frames = new ArrayList<>();

    @BeforeAll
    static void render() throws Exception {
        portrait = EmoPipeline.readPortrait(PORTRAIT);
        audio = EmoPipeline.readAudio(SPEECH);
        video = EmoPipeline.builder().portrait(PORTRAIT).audio(SPEECH).render();
        try (EmoPipeline p = EmoPipeline.builder().build()) {
            face = p.faces(portrait).get(0);
        }
        Mp4Reader.frames(video.file(), (rgb, i) -> frames.add(rgb.clone()));
    }

    @Test
    void theMp4HasTheRightFramesRateAndAudio() throws Exception {
        long expected = Math.round(audio.durationSeconds() * 25);
        assertEquals(expected, video.frameCount());
        Mp4Reader.Info info = Mp4Reader.probe(video.file());
        assertEquals(expected, info.videoFrames());
        assertEquals(expected, frames.size());
        assertEquals(25.0, info.fps(), 1e-6);
        assertEquals(512, info.width());
        assertEquals(audio.durationSeconds(), info.audioSeconds(), 1024 / 48000.0 + 1e-6);
        assertEquals("aac", info.audioCodec());
        assertTrue(Math.abs(info.videoSeconds() - info.audioSeconds()) <= 1.0 / 25,
                "video " + info.videoSeconds() + " s vs audio " + info.audioSeconds() + " s");
        Path folder = Files.createTempDirectory("emo4j-e2e"), saved = folder.resolve("talk.mp4");
        try {
            video.save(saved);
            assertEquals(Files.size(video.file()), Files.size(saved));
        } finally {
            Files.deleteIfExists(saved);
            Files.delete(folder);
        }
    }

    @Test
    void theProceduralMouthAndEyesSitOnTheRealOnes() {
        FaceCrop crop = FaceCrop.around(face, 256);
        double[][] procedural = {{ProceduralFace.EYE_X[0], ProceduralFace.EYE_Y}, {ProceduralFace.EYE_X[1], ProceduralFace.EYE_Y},
            {ProceduralFace.MOUTH_X, ProceduralFace.MOUTH_Y}};
        int[] keypoint = {0, 1, 3};
        for (int i = 0; i < 3; i++) {
            DetectedFace.Point real = face.keypoints().get(keypoint[i]);
            DetectedFace.Point drawn = crop.toPortrait(procedural[i][0], procedural[i][1]);
            assertTrue(Math.hypot(drawn.x() - real.x(), drawn.y() - real.y()) < 0.2 * ProceduralFace.EYE_DISTANCE * crop.side(),
                    DetectedFace.KEYPOINT_NAMES.get(keypoint[i]) + " drawn at " + drawn + ", seen at " + real);
        }
    }

    @Test
    void theLipsFollowTheVoice() {
        FaceCrop crop = FaceCrop.around(face, 256);
        double[] change = mouthChange(frames, portrait, crop);
        float[] env = EnergyEnvelope.perFrame(audio, 25, frames.size());
        double r = pearson(change, env);
        System.out.println("lip-sync: Pearson correlation of mouth change and voice energy = " + r);
        assertTrue(r >= 0.6, "correlation " + r);
    }

    @Test
    void nothingOutsideTheFaceRegionChanges() {
        FaceCrop crop = FaceCrop.around(face, 256);
        int w = portrait.getWidth(), h = portrait.getHeight();
        double worstFrame = 0;
        for (int[] f : frames) {
            double sum = 0;
            long count = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (crop.contains(x + 0.5, y + 0.5)) {
                        continue;
                    }
                    int a = f[y * w + x], b = portrait.getRGB(x, y);
                    for (int s = 0; s < 24; s += 8) {
                        sum += Math.abs((a >> s & 0xFF) - (b >> s & 0xFF));
                    }
                    count += 3;
                }
            }
            worstFrame = Math.max(worstFrame, sum / count);
        }
        System.out.println("outside the face crop: worst per-frame mean error " + worstFrame + " levels");
        assertTrue(worstFrame <= 3.0, "mean error outside the face " + worstFrame);
    }

    /**
     * Per frame, the mean colour change from the portrait over the lips and the opening below them: the
     * procedural mouth keypoint's row down to the dropped lower lip.
     */
    static double[] mouthChange(List<int[]> frames, BufferedImage portrait, FaceCrop crop) {
        DetectedFace.Point mouth = crop.toPortrait(ProceduralFace.MOUTH_X, ProceduralFace.MOUTH_Y + ProceduralFace.JAW_DROP / 2);
        int cx = (int) Math.round(mouth.x());
        int cy = (int) Math.round(mouth.y());
        int hx = (int) Math.ceil(ProceduralFace.MOUTH_HALF_WIDTH * crop.side());
        int hy = (int) Math.ceil(ProceduralFace.JAW_DROP * crop.side());
        int w = portrait.getWidth();
        double[] change = new double[frames.size()];
        for (int k = 0; k < frames.size(); k++) {
            double sum = 0;
            int count = 0;
            for (int y = cy - hy; y <= cy + hy; y++) {
                for (int x = cx - hx; x <= cx + hx; x++) {
                    int a = frames.get(k)[y * w + x], b = portrait.getRGB(x, y);
                    for (int s = 0; s < 24; s += 8) {
                        sum += Math.abs((a >> s & 0xFF) - (b >> s & 0xFF));
                    }
                    count += 3;
                }
            }
            change[k] = sum / count;
        }
        return change;
    }

    static double pearson(double[] a, float[] b) {
        int n = Math.min(a.length, b.length);
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
