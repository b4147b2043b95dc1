/**
 * emo4j's video side: reading portraits, face boxes and detection, the face crop and paste-back, and
 * H.264 + AAC MP4 writing and reading.
 */
// JCodec and JTransforms declare no module names: theirs come from their jar names
@SuppressWarnings("requires-automatic")
module io.github.emo4j.video {
    requires transitive java.desktop;
    requires java.xml;
    requires io.github.emo4j.audio;
    requires jcodec;
    requires JTransforms;
    requires org.slf4j;

    exports io.github.emo4j.video;
    exports io.github.emo4j.face;
    exports io.github.emo4j.video.image to io.github.emo4j.core;
    exports io.github.emo4j.video.compose to io.github.emo4j.core;
    exports io.github.emo4j.video.files to io.github.emo4j.core;
}
