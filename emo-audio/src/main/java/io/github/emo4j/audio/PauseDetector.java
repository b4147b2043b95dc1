package io.github.emo4j.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Energy-based voice activity: a frame is speech when its RMS level is within {@code rangeDb} of the
 * loudest frames (the 95th percentile), so the threshold adapts to the recording's level. Pauses are
 * runs of non-speech at least {@code minPause} long: the places where long audio can be split.
 */
public final class PauseDetector {

    /**
     * A pause.
     *
     * @param start where it begins, seconds from the start
     * @param end   where it ends, seconds from the start
     */
    public record Pause(double start, double end) {
        /**
         * How long the pause lasts.
         *
         * @return seconds
         */
        public double length() {
            return end - start;
        }

        /**
         * The pause's middle, where a long voice is best cut.
         *
         * @return seconds from the start
         */
        public double middle() {
            return (start + end) / 2;
        }
    }

    private final double rangeDb;
    private final double minPause;

    /** @param rangeDb  how far below the loud level speech may fall (e.g. 35 dB)
     *  @param minPause shortest silence reported as a pause, in seconds */
    public PauseDetector(double rangeDb, double minPause) {
        this.rangeDb = rangeDb;
        this.minPause = minPause;
    }

    /**
     * Speech flags per frame of an energy envelope.
     *
     * @param envelope RMS per frame, as {@link EnergyEnvelope#perFrame} gives it
     * @return per frame, whether it is speech
     */
    public boolean[] voiced(float[] envelope) {
        float[] sorted = envelope.clone();
        Arrays.sort(sorted);
        double loud = sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
        double threshold = Math.max(1e-5, loud * Math.pow(10, -rangeDb / 20));
        boolean[] v = new boolean[envelope.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = envelope[i] > threshold;
        }
        return v;
    }

    /**
     * Pauses in {@code clip}, measured on an envelope of {@code frameRate} frames per second.
     *
     * @param clip      the voice
     * @param frameRate envelope frames per second
     * @return the pauses, in order
     */
    public List<Pause> pauses(AudioClip clip, double frameRate) {
        int frames = (int) Math.floor(clip.durationSeconds() * frameRate);
        boolean[] v = voiced(EnergyEnvelope.perFrame(clip, frameRate, frames));
        List<Pause> out = new ArrayList<>();
        int i = 0;
        while (i < v.length) {
            if (v[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j < v.length && !v[j]) {
                j++;
            }
            double start = i / frameRate, end = j / frameRate;
            if (end - start >= minPause) {
                out.add(new Pause(start, end));
            }
            i = j;
        }
        return out;
    }
}
