package io.github.emo4j.video;

import java.nio.file.Path;

/**
 * How the MP4 is encoded.
 *
 * @param qp          H.264 quantiser, {@value Mp4Writer#MIN_QP} (best) to {@value Mp4Writer#MAX_QP} (smallest)
 * @param keyInterval frames between key frames (seeking granularity), 1 to 600
 * @param audioCodec  how the voice is stored
 * @param threads     H.264 encoding threads, one group of pictures each; 0 for as many as there are
 *                    cores, up to 4. The bytes written do not depend on it.
 */
public record EncodingOptions(int qp, int keyInterval, AudioCodec audioCodec, int threads, Path frames) {

    /**
     * Quality 26 (key frames at QP 16), a key frame every 10 s at 25 fps, AAC audio, encoding threads by
     * core count.
     */
    public static final EncodingOptions DEFAULT = new EncodingOptions(Mp4Writer.DEFAULT_QP, 250, AudioCodec.AAC, 0, null);

    /**
     * Options with encoding threads chosen by core count.
     *
     * @param qp          H.264 quantiser, {@value Mp4Writer#MIN_QP} (best) to {@value Mp4Writer#MAX_QP} (smallest)
     * @param keyInterval frames between key frames, 1 to 600
     * @param audioCodec  how the voice is stored
     */
    public EncodingOptions(int qp, int keyInterval, AudioCodec audioCodec) {
        this(qp, keyInterval, audioCodec, 0, null);
    }

    /**
     * Options without a frame folder.
     *
     * @param qp          H.264 quantiser, {@value Mp4Writer#MIN_QP} (best) to {@value Mp4Writer#MAX_QP} (smallest)
     * @param keyInterval frames between key frames, 1 to 600
     * @param audioCodec  how the voice is stored
     * @param threads     H.264 encoding threads, or 0 for as many as there are cores, up to 4
     */
    public EncodingOptions(int qp, int keyInterval, AudioCodec audioCodec, int threads) {
        this(qp, keyInterval, audioCodec, threads, null);
    }
    /**
     * Checks the fields.
     *
     * @param qp          H.264 quantiser, {@value Mp4Writer#MIN_QP} (best) to {@value Mp4Writer#MAX_QP} (smallest)
     * @param keyInterval frames between key frames (seeking granularity), 1 to 600
     * @param audioCodec  how the voice is stored
     * @param threads     H.264 encoding threads, one group of pictures each; 0 for as many as there are cores, up to 4. The bytes written do not depend on it.
     * @param frames      a folder to create for the frames as lossless PNG files ({@code frame-000001.png}, …),
     *                    exactly as they go to the H.264 encoder, or {@code null}
     */
    public EncodingOptions {
        if (qp < Mp4Writer.MIN_QP || qp > Mp4Writer.MAX_QP) {
            throw new IllegalArgumentException("quality (QP) must be between " + Mp4Writer.MIN_QP + " and " + Mp4Writer.MAX_QP + ": " + qp);
        }
        if (keyInterval < 1 || keyInterval > 600) {
            throw new IllegalArgumentException("key-frame interval must be between 1 and 600: " + keyInterval);
        }
        if (audioCodec == null) {
            throw new IllegalArgumentException("audio codec is required");
        }
        if (threads < 0 || threads > 64) {
            throw new IllegalArgumentException("encoding threads must be between 0 and 64: " + threads);
        }
    }

    /**
     * The encoding threads to use.
     *
     * @return {@code threads}, or the core count (at most 4) when it is 0
     */
    public int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * These options with another quantiser.
     *
     * @param q H.264 quantiser, {@value Mp4Writer#MIN_QP} (best) to {@value Mp4Writer#MAX_QP} (smallest)
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public EncodingOptions withQp(int q) {
        return new EncodingOptions(q, keyInterval, audioCodec, threads, frames);
    }

    /**
     * These options with another key-frame interval.
     *
     * @param k frames between key frames, 1 to 600
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public EncodingOptions withKeyInterval(int k) {
        return new EncodingOptions(qp, k, audioCodec, threads, frames);
    }

    /**
     * These options with another audio codec.
     *
     * @param c how the voice is stored
     * @return the changed copy
     */
    public EncodingOptions withAudioCodec(AudioCodec c) {
        return new EncodingOptions(qp, keyInterval, c, threads, frames);
    }

    /**
     * These options with another number of encoding threads.
     *
     * @param t threads, or 0 for the core count
     * @return the changed copy
     * @throws IllegalArgumentException if negative
     */
    public EncodingOptions withThreads(int t) {
        return new EncodingOptions(qp, keyInterval, audioCodec, t, frames);
    }

    /**
     * These options also writing every frame, as it goes to the encoder, as a lossless PNG into
     * {@code folder} ({@code frame-000001.png}, …), which must not exist yet and appears complete only when
     * the render succeeds: the truth to measure the video's quality against, or frames to post-process.
     *
     * @param folder the folder to create, or {@code null} for none
     * @return the changed copy
     */
    public EncodingOptions withFrames(Path folder) {
        return new EncodingOptions(qp, keyInterval, audioCodec, threads, folder);
    }
}
