package io.github.emo4j.pipeline;

import static io.github.emo4j.procedural.ProceduralFace.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.EnergyEnvelope;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.procedural.ProceduralPack;
import io.github.emo4j.video.Mp4Reader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in pack speaks on a real photo at two face sizes: the sample portrait (a 100 px face) and
 * the same face 36 px wide in a 1280×720 photo. The video, decoded as a viewer gets it, must move the
 * mouth with the voice; the face crop, before encoding, must not move what is outside the face.
 */
class SpeakingFaceTest {

    static final Path PORTRAIT = Path.of("../samples/portrait-astronaut.png");
    static final Path SPEECH = Path.of("../samples/speech-sample.wav");

    static ModelPack pack;
    static BlazeFaceDetector detector;
    static AudioClip voice;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        pack = ModelPack.load(ProceduralPack.standard().source(), List.of(ExecutionProvider.CPU), 2);
        detector = new BlazeFaceDetector();
        AudioClip speech = EmoPipeline.readAudio(SPEECH);
        // the first 6 s: speech, then the pause
        voice = new AudioClip(Arrays.copyOf(speech.samples(), 6 * speech.sampleRate()), speech.sampleRate());
    }

    @AfterAll
    static void close() {
        detector.close();
        pack.close();
    }

    static BufferedImage photo(String which) {
        BufferedImage astronaut = EmoPipeline.readPortrait(PORTRAIT);
        if (which.equals("sample")) {
            return astronaut;
        }
        BufferedImage wide = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = wide.createGraphics();
        g.setColor(new Color(96, 112, 128));
        g.fillRect(0, 0, 1280, 720);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(astronaut, new AffineTransform(0.36, 0, 0, 0.36, 820, 300), null);
        g.dispose();
        return wide;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sample", "wide"})
    void theMouthMovesWithTheVoiceAndNothingOutsideTheFace(String which) throws Exception {
        BufferedImage img = photo(which);
        DetectedFace face = detector.detectAll(img).get(0);
        if (which.equals("wide")) {
            assertTrue(face.box().width() < 40, "a small face: " + face.box());
        }
        FaceCrop crop = FaceCrop.around(face, 256);
        float[] still = crop.extract(img);
        // outside the face: crop pixels whose place in the portrait is outside the detected face box
        boolean[] beside = new boolean[256 * 256];
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                DetectedFace.Point p = crop.toPortrait((x + 0.5) / 256, (y + 0.5) / 256);
                beside[y * 256 + x] = p.x() < face.box().x() || p.x() > face.box().x() + face.box().width()
                        || p.y() < face.box().y() || p.y() > face.box().y() + face.box().height();
            }
        }
        List<Double> outside = new ArrayList<>();
        List<Double> portraitOutside = new ArrayList<>();
        // paste-back leaves the portrait outside the crop as it was, and its feathering only lessens a change
        double portraitPixelsPerCropPixel = (crop.side() / 256.0) * (crop.side() / 256.0);
        double portraitBeside = (double) img.getWidth() * img.getHeight() - face.box().width() * face.box().height();
        Renderer renderer = new Renderer(pack);
        renderer.observe((clip, pixels, valid) -> {
            int n = 256 * 256;
            for (int k = 0; k < valid; k++) {
                double sum = 0;
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (beside[i]) {
                        for (int c = 0; c < 3; c++) {
                            sum += Math.abs(pixels[k * 3 * n + c * n + i] - still[c * n + i]);
                        }
                        count += 3;
                    }
                }
                outside.add(255 * sum / count);
                portraitOutside.add(255 * sum / 3 * portraitPixelsPerCropPixel / portraitBeside);
            }
        });
        Path mp4 = dir.resolve(which + ".mp4");
        renderer.render(RenderSpec.of(RenderRequest.builder(img, voice).seed(1).build()), mp4);

        double worstOutside = outside.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double meanOutside = outside.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double worstPortrait = portraitOutside.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        List<int[]> frames = new ArrayList<>();
        Mp4Reader.frames(mp4, (rgb, i) -> frames.add(rgb.clone()));
        double r = mouthCorrelation(img, crop, frames);
        System.out.printf("%s (face %d px): mouth change vs loudness r = %.3f; outside the face box: in the crop mean %.2f,"
                + " worst frame %.2f levels; in the portrait worst frame %.2f levels%n", which, face.box().width(), r,
                meanOutside, worstOutside, worstPortrait);
        assertTrue(r >= 0.6, which + ": correlation " + r);
        assertTrue(worstPortrait <= 2.0, which + ": mean change outside the face " + worstPortrait);
        assertTrue(meanOutside <= 3.0, which + ": mean change beside the face in its crop " + meanOutside);
    }

    /** Pearson's r of the mean change in the mouth's box (portrait pixels) and the voice's loudness per frame. */
    static double mouthCorrelation(BufferedImage img, FaceCrop crop, List<int[]> frames) {
        DetectedFace.Point a = crop.toPortrait(MOUTH_X - MOUTH_HALF_WIDTH, MOUTH_Y - LIP_LIFT);
        DetectedFace.Point b = crop.toPortrait(MOUTH_X + MOUTH_HALF_WIDTH, MOUTH_Y + JAW_DROP);
        int x0 = (int) Math.floor(Math.min(a.x(), b.x())), x1 = (int) Math.ceil(Math.max(a.x(), b.x()));
        int y0 = (int) Math.floor(Math.min(a.y(), b.y())), y1 = (int) Math.ceil(Math.max(a.y(), b.y()));
        int w = img.getWidth();
        double[] change = new double[frames.size()];
        for (int k = 0; k < frames.size(); k++) {
            double sum = 0;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    int p = frames.get(k)[y * w + x], q = img.getRGB(x, y);
                    for (int s = 0; s < 24; s += 8) {
                        sum += Math.abs((p >> s & 0xFF) - (q >> s & 0xFF));
                    }
                }
            }
            change[k] = sum;
        }
        float[] loudness = EnergyEnvelope.perFrame(voice, 25, frames.size());
        double ma = Arrays.stream(change).average().orElseThrow(), mb = 0;
        for (float v : loudness) {
            mb += v / loudness.length;
        }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < change.length; i++) {
            sab += (change[i] - ma) * (loudness[i] - mb);
            saa += (change[i] - ma) * (change[i] - ma);
            sbb += (loudness[i] - mb) * (loudness[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
