package io.github.emo4j;

/**
 * How a live session is doing.
 *
 * @param frames            frames out so far
 * @param firstFrameNanos   from the first voice sample fed to the first frame out, or -1 before both
 * @param latencyP50Nanos   median frame latency (see {@link LiveFrame#latencyNanos}), or -1 before any frame
 * @param latencyP99Nanos   99th percentile of frame latency, or -1
 * @param latencyMaxNanos   largest frame latency, or -1
 * @param lagSeconds        how far the video trails the voice now: voice fed minus video out, in seconds
 * @param steps             sampling steps per clip now (fewer than asked after the lag policy acted)
 * @param renderFps         frames per second rendered now: the stream's frame rate, or less once the
 *                          {@link LiveOptions.LagPolicy#LOWER_FRAME_RATE} policy acted (each rendered frame
 *                          is then held for several stream frames)
 * @param bufferedSeconds   voice fed and not yet taken by the session
 * @param render            where the session's time went, stage by stage, once its voice has ended and every
 *                          frame is out (since the last change of frame rate, if any); {@code null} before
 */
public record LiveStats(long frames, long firstFrameNanos, long latencyP50Nanos, long latencyP99Nanos,
                        long latencyMaxNanos, double lagSeconds, int steps, int renderFps, double bufferedSeconds, RenderStats render) {
}
