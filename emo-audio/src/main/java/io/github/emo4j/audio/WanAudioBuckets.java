package io.github.emo4j.audio;

/**
 * Maps audio feature rows to video frames as Wan2.2-S2V does ({@code get_audio_embed_bucket_fps}): the
 * rows of the whole voice are first resampled to 30 per second by linear interpolation with the end
 * rows aligned (PyTorch's {@code interpolate(..., mode="linear", align_corners=True)}, in float32), to
 * int(T · 30 / featureRate) rows; video frame k then takes the 30-per-second row round(k · 30 / fps),
 * rounded half to even as NumPy rounds, with its ±m neighbours int(30 / fps) rows apart, clamped to the
 * voice; a frame past the voice's end gets zeros. Unlike {@link FrameAligner}, the resampling spans the
 * whole voice, so a frame's features depend on the voice's length: a render is exact, a session fed in
 * pieces is not.
 *
 * @param featureRate feature rows per second (wav2vec2: 50)
 * @param fps         video frames per second (Wan2.2-S2V: 16)
 * @param m           neighbours on each side (Wan2.2-S2V: 0)
 */
public record WanAudioBuckets(double featureRate, int fps, int m) {
    /** Wan's intermediate rate, its audio encoder's {@code video_rate}. */
    public static final int RATE = 30;

    /**
     * Checks the rates.
     *
     * @param featureRate feature rows per second
     * @param fps         video frames per second
     * @param m           neighbours on each side
     * @throws IllegalArgumentException if a rate is not positive or {@code m} negative
     */
    public WanAudioBuckets {
        if (!(featureRate > 0) || fps <= 0 || m < 0) {
            throw new IllegalArgumentException("invalid alignment: featureRate=" + featureRate + " fps=" + fps + " m=" + m);
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
     * Windows for video frames {@code first .. first+count-1}.
     *
     * @param features feature rows {@code dropped ..}, {@code [rows][dim]} (more may follow as {@code null})
     * @param rows     rows of the whole voice so far, the dropped ones included
     * @param dropped  rows let go before {@code features[0]}; the frames asked for never read them
     * @param first    the first video frame
     * @param count    how many video frames
     * @return {@code [count][2m+1][dim]} flattened in that order
     */
    public float[] windows(float[][] features, long rows, long dropped, long first, int count) {
        int dim = rows == dropped ? 0 : features[0].length;
        float[] out = new float[count * window() * dim];
        long resampled = (long) (rows / featureRate * RATE);
        float scale = resampled > 1 ? (float) (rows - 1) / (resampled - 1) : 0f;
        int stride = RATE / fps;
        int o = 0;
        for (int k = 0; k < count; k++) {
            long bucket = (long) Math.rint((first + k) * (double) RATE / fps);
            for (int j = -m; j <= m; j++) {
                if (bucket < resampled) {
                    long row = Math.min(resampled - 1, Math.max(0, bucket + (long) j * stride));
                    interpolate(features, rows, dropped, scale, row, out, o, dim);
                }
                o += dim;
            }
        }
        return out;
    }

    /**
     * Row {@code row} of the resampled features, as PyTorch 1.13's linear interpolation computes it: the
     * ratio in float32, the source position in float64, the weights and the sum in float32.
     */
    private static void interpolate(float[][] f, long rows, long dropped, float scale, long row, float[] out, int at,
                                    int dim) {
        double src = (double) scale * row;
        long i0 = (long) src;
        long i1 = i0 < rows - 1 ? i0 + 1 : i0;
        float w1 = (float) (src - i0), w0 = 1f - w1;
        float[] a = f[(int) (i0 - dropped)], b = f[(int) (i1 - dropped)];
        for (int d = 0; d < dim; d++) {
            out[at + d] = w0 * a[d] + w1 * b[d];
        }
    }
}
