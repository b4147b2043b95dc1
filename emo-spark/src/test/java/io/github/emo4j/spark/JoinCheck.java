package io.github.emo4j.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * How visible joins are: the frame-to-frame change (mean absolute difference over every pixel and channel,
 * in levels of 255) at the frames around each join, against the same change over the rest of the video.
 */
record JoinCheck(double atJoins, double p50, double p95, double elsewhereMax) {

    static JoinCheck of(List<int[]> frames, List<Long> joins, int joinFrames) {
        int half = joinFrames / 2;
        double at = 0;
        List<Double> rest = new ArrayList<>();
        for (int g = 1; g < frames.size(); g++) {
            double d = meanAbsDiff(frames.get(g - 1), frames.get(g));
            boolean near = false;
            for (long j : joins) {
                near |= g >= j - half - 1 && g <= j + half + 1;
            }
            if (near) {
                at = Math.max(at, d);
            } else {
                rest.add(d);
            }
        }
        rest.sort(null);
        return new JoinCheck(at, rest.get(rest.size() / 2), rest.get((int) (rest.size() * 0.95)), rest.get(rest.size() - 1));
    }

    static double meanAbsDiff(int[] a, int[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            int x = a[i], y = b[i];
            sum += Math.abs(((x >> 16) & 255) - ((y >> 16) & 255)) + Math.abs(((x >> 8) & 255) - ((y >> 8) & 255))
                    + Math.abs((x & 255) - (y & 255));
        }
        return sum / (3.0 * a.length);
    }
}
