package io.github.emo4j.video;

/**
 * How the MP4 is encoded.
 *
 * @param qp          H.264 quantiser, {@value Mp4Writer#MIN_QP} (best) to 51 (smallest)
 * @param keyInterval frames between key frames (seeking granularity), 1 to 600
 * @param audioCodec  how the voice is stored
 */
public record EncodingOptions(int qp, int keyInterval, AudioCodec audioCodec) {

    /** QP 10, a key frame every second at 25 fps, AAC audio. */
    public static final EncodingOptions DEFAULT = new EncodingOptions(Mp4Writer.DEFAULT_QP, 25, AudioCodec.AAC);

    public EncodingOptions {
        if (qp < Mp4Writer.MIN_QP || qp > 51) {
            throw new IllegalArgumentException("quality (QP) must be between " + Mp4Writer.MIN_QP + " and 51: " + qp);
        }
        if (keyInterval < 1 || keyInterval > 600) {
            throw new IllegalArgumentException("key-frame interval must be between 1 and 600: " + keyInterval);
        }
        if (audioCodec == null) {
            throw new IllegalArgumentException("audio codec is required");
        }
    }

    public EncodingOptions withQp(int q) {
        return new EncodingOptions(q, keyInterval, audioCodec);
    }

    public EncodingOptions withKeyInterval(int k) {
        return new EncodingOptions(qp, k, audioCodec);
    }

    public EncodingOptions withAudioCodec(AudioCodec c) {
        return new EncodingOptions(qp, keyInterval, c);
    }
}
