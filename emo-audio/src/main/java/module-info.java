/**
 * emo4j's audio front end: decoding (WAV, AIFF, AU, MP3, M4A), resampling, whisper log-mel, wav2vec2
 * input, frame alignment, envelopes and pauses. Pure DSP; no ONNX Runtime.
 */
// JCodec and JTransforms declare no module names: theirs come from their jar names
@SuppressWarnings("requires-automatic")
module io.github.emo4j.audio {
    requires jcodec;
    requires JTransforms;

    exports io.github.emo4j.audio;
}
