package io.github.emo4j.pipeline;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.FrameSink;
import io.github.emo4j.video.Mp4Writer;
import io.github.emo4j.video.PngSequenceSink;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file render's frames: an H.264 MP4 at {@code out} carrying the whole voice, and, when the encoding
 * options name a folder, every frame as a PNG there too.
 */
record Mp4Output(Path out, AudioClip voice, EncodingOptions encoding) implements FrameSink.Factory {

    @Override
    public FrameSink open(int width, int height, int fps) throws IOException {
        FrameSink video = new Mp4Writer(out, width, height, fps, 1, voice.samples(), voice.sampleRate(), encoding);
        if (encoding.frames() == null) {
            return video;
        }
        try {
            return FrameSink.tee(video, new PngSequenceSink(encoding.frames(), width, height));
        } catch (IOException e) {
            video.close();
            throw new InvalidInputException(encoding.frames() + ": cannot write frames there: " + e.getMessage(), e);
        }
    }
}
