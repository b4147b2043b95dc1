package io.github.emo4j.spark;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.PauseDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a long voice is cut: in the middle of pauses, so every segment is at most {@code maxFrames} long
 * and a join falls where the mouth is closed. Each segment also renders {@code margin} frames beyond the
 * frames it keeps, so the frames that are cross-faded never sit at the edge of a segment's audio.
 */
final class SegmentPlan {
    /** A pause is speech quieter than the loud level by this much... */
    static final double PAUSE_RANGE_DB = 35;
    /** ...lasting at least this long. */
    static final double MIN_PAUSE_SECONDS = 0.15;
    /** Frames a segment renders beyond what it keeps: the audio window's reach (EMO's ±2 frames) and more. */
    static final int MARGIN = 4;

    private SegmentPlan() {
    }

    /** The cut frames {@code 0 = c0 < c1 < ... < ck = total}, each segment at most {@code maxFrames}. */
    static long[] cuts(AudioClip voice, int fps, long total, long maxFrames) {
        List<Long> pauses = new ArrayList<>();
        for (PauseDetector.Pause p : new PauseDetector(PAUSE_RANGE_DB, MIN_PAUSE_SECONDS).pauses(voice, fps)) {
            pauses.add(Math.round(p.middle() * fps));
        }
        return cuts(pauses, total, maxFrames);
    }

    /**
     * Greedy: from each cut, the furthest pause within {@code maxFrames} that leaves a segment of at least
     * half of it; where no pause qualifies, a cut at {@code maxFrames} (a voice without pauses).
     */
    static long[] cuts(List<Long> pauses, long total, long maxFrames) {
        List<Long> cuts = new ArrayList<>();
        cuts.add(0L);
        long at = 0;
        while (total - at > maxFrames) {
            long best = -1;
            for (long p : pauses) {
                if (p >= at + maxFrames / 2 && p <= at + maxFrames && p < total) {
                    best = p;
                }
            }
            at = best > 0 ? best : at + maxFrames;
            cuts.add(at);
        }
        cuts.add(total);
        return cuts.stream().mapToLong(Long::longValue).toArray();
    }

    /** The units of a voice cut at {@code cuts}, sharing {@code joinFrames} around each cut. */
    static List<WorkUnit> units(Job job, long[] cuts, int fps, int joinFrames, String workDir) {
        int k = cuts.length - 1;
        long total = cuts[k];
        int half = joinFrames / 2;
        List<WorkUnit> units = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            long keepFrom = i == 0 ? 0 : cuts[i] - half;
            long keepTo = i == k - 1 ? total : cuts[i + 1] + half;
            long first = Math.max(0, keepFrom - (i == 0 ? 0 : MARGIN));
            long end = Math.min(total, keepTo + (i == k - 1 ? 0 : MARGIN));
            units.add(new WorkUnit(job, i, k, total, fps, first, end, keepFrom, keepTo,
                    workDir + "/" + String.format("segment-%05d.mp4", i)));
        }
        return units;
    }

    /**
     * The samples of frames {@code [first, end)}: exactly as many as make {@code end - first} frames at
     * {@code fps}, zero past the end of the voice.
     */
    static AudioClip slice(AudioClip voice, long first, long end, int fps) {
        int rate = voice.sampleRate();
        long from = Math.round(first * (double) rate / fps);
        long n = Math.round((end - first) * (double) rate / fps);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("segment too long: " + n + " samples");
        }
        float[] out = new float[(int) n];
        float[] in = voice.samples();
        long copy = Math.max(0, Math.min(n, in.length - from));
        System.arraycopy(in, (int) from, out, 0, (int) copy);
        return new AudioClip(out, rate);
    }
}
