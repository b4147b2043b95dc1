package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Wan2.2-S2V's audio alignment against Wan's own functions, run from a checkout by
 * scripts/reference/wan_audio_buckets.py: the 30-per-second resampling of the whole voice and each video
 * frame's bucket, past the voice's end too.
 */
class WanAudioBucketsTest {

    @Test
    void everyFrameGetsWansBucket() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("wan_audio_buckets.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int layers = intField(json, "layers"), dim = intField(json, "dim");
        Matcher c = Pattern.compile("\\{\"rows\": (\\d+), \"fps\": (\\d+), \"clip_frames\": (\\d+), \"m\": (\\d+), "
                + "\"rows_30fps\": (\\d+), \"repeats\": (\\d+), \"shape\": \\[(\\d+), \\d+, \\d+\\], \"buckets\": \\[([^\\]]*)\\]")
                .matcher(json);
        int cases = 0;
        double worst = 0;
        while (c.find()) {
            int rows = Integer.parseInt(c.group(1)), fps = Integer.parseInt(c.group(2)), m = Integer.parseInt(c.group(4));
            int frames = Integer.parseInt(c.group(7)), w = 2 * m + 1, width = layers * dim;
            List<Double> want = new ArrayList<>();
            for (String v : c.group(8).split(", ")) {
                want.add(Double.parseDouble(v));
            }
            assertEquals(frames * layers * w * dim, want.size());
            // the hidden states as the script made them, each row layer-major as a pack's encoder gives them
            float[][] features = new float[rows][width];
            for (int t = 0; t < rows; t++) {
                for (int l = 0; l < layers; l++) {
                    for (int d = 0; d < dim; d++) {
                        features[t][l * dim + d] = (float) Math.sin(0.37 * t + 1.1 * l + 0.5 * d);
                    }
                }
            }
            WanAudioBuckets buckets = new WanAudioBuckets(50, fps, m);
            // asked for in two parts, as clips ask
            float[] got = new float[frames * w * width];
            int half = frames / 2;
            System.arraycopy(buckets.windows(features, rows, 0, 0, half), 0, got, 0, half * w * width);
            System.arraycopy(buckets.windows(features, rows, 0, half, frames - half), 0, got, half * w * width,
                    (frames - half) * w * width);
            for (int k = 0; k < frames; k++) {
                for (int l = 0; l < layers; l++) {
                    for (int j = 0; j < w; j++) {
                        for (int d = 0; d < dim; d++) {
                            // Wan: [frame, layer, window × dim]; emo4j: [frame, window, layer × dim]
                            double expected = want.get(((k * layers + l) * w + j) * dim + d);
                            double actual = got[(k * w + j) * width + l * dim + d];
                            worst = Math.max(worst, Math.abs(expected - actual));
                            assertEquals(expected, actual, 1e-6, "rows " + rows + ", fps " + fps + ", m " + m
                                    + ": frame " + k + ", layer " + l + ", window " + j + ", value " + d);
                        }
                    }
                }
            }
            cases++;
        }
        assertEquals(8, cases);
        System.out.println("Wan's audio buckets: worst difference " + worst + " over " + cases + " cases");
    }

    @Test
    void frameTwelveRoundsHalfToEven() {
        // 12 × 30 / 16 = 22.5: NumPy's round gives 22, not 23 (the notes on S2V measured it)
        float[][] features = new float[100][1];
        for (int t = 0; t < 100; t++) {
            features[t][0] = t;
        }
        // 100 rows at 50 Hz are 60 rows at 30 per second, row j at 50-Hz position j × 99/59
        float[] w = new WanAudioBuckets(50, 16, 0).windows(features, 100, 0, 12, 1);
        assertEquals(22 * 99f / 59, w[0], 1e-4);
    }

    private static int intField(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), name);
        return Integer.parseInt(m.group(1));
    }
}
