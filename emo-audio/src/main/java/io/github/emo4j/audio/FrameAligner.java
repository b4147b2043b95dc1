package io.github.emo4j.audio;

/**
 * Maps audio feature frames to video frames. Video frame {@code k} is on screen during
 * {@code [k, k+1) / fps}, so the voice it shows is the one heard around {@code (k + ½) / fps}; its
 * window holds the features at the centres of frames {@code k-m .. k+m}, each read from the feature
 * sequence by linear interpolation between feature-frame centres, and clamped at both ends of the
 * audio. This is EMO's "each frame and its ±m neighbours" made exact for any pair of rates; when the
 * features come at the frame rate (Hallo's wav2vec) frame {@code k} gets feature row {@code k} exactly,
 * and at 50 Hz for 25 fps the mean of the two rows the frame spans.
 *
 * @param featureRate feature frames per second (wav2vec2: 50)
 * @param fpsNum      video frame rate numerator (30000 for 29.97 fps)
 * @param fpsDen      video frame rate denominator (1001 for 29.97 fps)
 * @param m           neighbours on each side
 */
public record FrameAligner(double featureRate, long fpsNum, long fpsDen, int m) {

    /**
     * Checks the rates.
     *
     * @param featureRate feature frames per second
     * @param fpsNum      video frame rate numerator
     * @param fpsDen      video frame rate denominator
     * @param m           neighbours on each side of a frame's own features (EMO: 2)
     * @throws IllegalArgumentException if a rate is not positive or {@code m} negative
     */
    public FrameAligner {
        if (!(featureRate > 0) || fpsNum <= 0 || fpsDen <= 0 || m < 0) {
            throw new IllegalArgumentException("invalid alignment: featureRate=" + featureRate
                    + " fps=" + fpsNum + "/" + fpsDen + " m=" + m);
        }
    }

    /**
     * Window width.
     *
     * @return {@code 2m+1}
     */
    public int window() {
        return 2 * m + 1;
    }

    /**
     * Time at which video frame {@code k} appears.
     *
     * @param k the frame index
     * @return seconds from the start
     */
    public double frameTime(long k) {
        return k * (double) fpsDen / fpsNum;
    }

    /**
     * The middle of video frame {@code k}'s time on screen.
     *
     * @param k the frame index
     * @return seconds from the start
     */
    public double frameCentre(long k) {
        return (k + 0.5) * fpsDen / fpsNum;
    }

    /**
     * Windows for video frames {@code first .. first+count-1}.
     *
     * @param features feature frames, {@code [frames][dim]}; frame {@code i} covers
     *                 {@code [i, i+1) / featureRate} and is centred at {@code (i + 0.5) / featureRate}
     * @param first    the first video frame
     * @param count    how many video frames
     * @return {@code [count][2m+1][dim]} flattened in that order
     */
    public float[] windows(float[][] features, long first, int count) {
        return windows(features, 0, first, count);
    }

    /**
     * Windows for video frames {@code first .. first+count-1} from the feature frames that remain after
     * the first {@code dropped} were let go (a long live stream keeps only the rows it still needs).
     *
     * @param features feature frames {@code dropped ..}, {@code [frames][dim]}
     * @param dropped  feature frames before {@code features[0]}
     * @param first    the first video frame
     * @param count    how many video frames
     * @return {@code [count][2m+1][dim]} flattened in that order
     */
    public float[] windows(float[][] features, long dropped, long first, int count) {
        int dim = features.length == 0 ? 0 : features[0].length;
        float[] out = new float[count * window() * dim];
        int o = 0;
        for (int k = 0; k < count; k++) {
            for (int j = -m; j <= m; j++) {
                // the caller keeps every row its frames read, so a position is never in the dropped rows
                double pos = frameCentre(first + k + j) * featureRate - 0.5 - dropped;
                interpolate(features, pos, out, o, dim);
                o += dim;
            }
        }
        return out;
    }

    private static void interpolate(float[][] f, double pos, float[] out, int at, int dim) {
        if (f.length == 0) {
            return;
        }
        if (pos <= 0) {
            System.arraycopy(f[0], 0, out, at, dim);
            return;
        }
        if (pos >= f.length - 1) {
            System.arraycopy(f[f.length - 1], 0, out, at, dim);
            return;
        }
        int i = (int) Math.floor(pos);
        float w = (float) (pos - i);
        for (int d = 0; d < dim; d++) {
            out[at + d] = f[i][d] * (1 - w) + f[i + 1][d] * w;
        }
    }
}
