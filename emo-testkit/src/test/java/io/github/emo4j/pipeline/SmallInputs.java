package io.github.emo4j.pipeline;

import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import java.awt.image.BufferedImage;

/** A small portrait and a voice of syllable-like bursts, for renders of tiny synthetic packs. */
final class SmallInputs {
    private SmallInputs() {
    }

    static AudioClip voice(double seconds) {
        float[] s = new float[(int) (16000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05) * Math.max(0, Math.sin(i / 16000.0 * 6)));
        }
        return new AudioClip(s, 16000);
    }

    static BufferedImage portrait() {
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x * y) & 0xFF));
            }
        }
        return img;
    }

    /** Both, with the face box given, two steps and a seed. */
    static RenderRequest request(double seconds, long seed) {
        return RenderRequest.builder(portrait(), voice(seconds)).face(new FaceBox(32, 32, 64, 64)).steps(2).seed(seed).build();
    }
}
