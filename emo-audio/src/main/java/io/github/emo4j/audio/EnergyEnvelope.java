package io.github.emo4j.audio;

/**
 * Root-mean-square energy of the audio around each video frame: frame {@code k} is measured over the
 * interval {@code [k, k+1) / fps}. The basis of pause detection and of lip-sync checks.
 */
public final class EnergyEnvelope {
    private EnergyEnvelope() {
    }

    /**
     * RMS per video frame for {@code frames} frames at {@code fps}.
     *
     * @param clip   the voice
     * @param fps    video frames per second
     * @param frames how many frames
     * @return one RMS value per frame
     */
    public static float[] perFrame(AudioClip clip, double fps, int frames) {
        float[] s = clip.samples();
        float[] env = new float[frames];
        double perFrame = clip.sampleRate() / fps;
        for (int k = 0; k < frames; k++) {
            int a = (int) Math.round(k * perFrame);
            int b = (int) Math.min(s.length, Math.round((k + 1) * perFrame));
            double sum = 0;
            for (int i = a; i < b; i++) {
                sum += s[i] * s[i];
            }
            env[k] = b > a ? (float) Math.sqrt(sum / (b - a)) : 0f;
        }
        return env;
    }
}
