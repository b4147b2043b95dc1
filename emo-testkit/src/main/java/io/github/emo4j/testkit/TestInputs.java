package io.github.emo4j.testkit;

import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Deterministic inputs for tests of a pack or of code around a pipeline: a textured portrait and a
 * voice-like signal. Neither has a face a detector would find, so give the face box explicitly.
 */
public final class TestInputs {
    private TestInputs() {
    }

    /**
     * An image of smooth colour waves with mild seeded noise, the same on every call.
     *
     * @param width  pixels across
     * @param height pixels down
     * @return the image, 8-bit RGB
     */
    public static BufferedImage portrait(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(11);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp((int) (128 + 100 * Math.sin(x / 9.0) * Math.cos(y / 13.0)) + rnd.nextInt(20) - 10);
                int g = clamp((int) (120 + 90 * Math.cos((x + y) / 11.0)) + rnd.nextInt(20) - 10);
                img.setRGB(x, y, r << 16 | g << 8 | ((x * 2 + y) & 0xFF));
            }
        }
        return img;
    }

    /**
     * A 16 kHz mono signal that comes and goes like syllables (3.3 bursts a second) and carries a tone
     * and seeded noise, the same on every call.
     *
     * @param seconds its length
     * @return the clip
     */
    public static AudioClip voice(double seconds) {
        float[] s = new float[(int) Math.round(seconds * 16000)];
        Random rnd = new Random(4);
        for (int i = 0; i < s.length; i++) {
            double envelope = Math.max(0, Math.sin(i / 16000.0 * 2 * Math.PI * 3.3));
            s[i] = (float) (envelope * (0.4 * Math.sin(i * 0.09) + 0.1 * rnd.nextGaussian()));
        }
        return new AudioClip(s, 16000);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
