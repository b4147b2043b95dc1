/**
 * emo4j's audio front end: decoding (WAV, AIFF, AU, FLAC, Ogg, WebM, MP3, M4A), resampling, whisper log-mel, wav2vec2
 * input, frame alignment, envelopes and pauses. Pure DSP; no ONNX Runtime.
 */
// JCodec, JTransforms and Concentus declare no module names: theirs come from their jar names
@SuppressWarnings("requires-automatic")
module io.github.emo4j.audio {
    requires jcodec;
    requires JTransforms;
    requires concentus;
    requires org.slf4j;

    exports io.github.emo4j.audio;
    exports io.github.emo4j.audio.jcodec to io.github.emo4j.video;
    exports io.github.emo4j.audio.files to io.github.emo4j.video, io.github.emo4j.core;
}
