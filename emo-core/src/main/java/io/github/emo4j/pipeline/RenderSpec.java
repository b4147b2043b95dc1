package io.github.emo4j.pipeline;

import io.github.emo4j.CancelToken;
import io.github.emo4j.InitialNoise;
import io.github.emo4j.MotionControl;
import io.github.emo4j.Preprocessing;
import io.github.emo4j.ProgressListener;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.TraceListener;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceSelector;
import io.github.emo4j.video.EncodingOptions;
import java.awt.image.BufferedImage;

/**
 * What the stages of one render read: the public {@link RenderRequest} flattened into the values the
 * stages use, so that the request's shape can grow for its callers without the stages following, and
 * the stages can be driven by other front ends than a file render.
 */
public record RenderSpec(BufferedImage portrait, AudioClip audio, FaceBox face, FaceSelector faceSelector,
                         MotionControl motion, int fps, int clipFrames, int firstClipFrames, double timeOffset,
                         int steps, double guidance, double referenceGuidance, double guidanceRescale, String scheduler,
                         long seed, EncodingOptions encoding,
                         ProgressListener progress, CancelToken cancel, InitialNoise initialNoise, TraceListener trace,
                         Preprocessing preprocessing, java.nio.file.Path pose, String prompt, String negativePrompt) {

    /** The specification of {@code r}. */
    public static RenderSpec of(RenderRequest r) {
        var s = r.sampling();
        var h = r.hooks();
        return new RenderSpec(r.portrait(), r.audio(), r.face(), r.faceSelector(), r.motion(), r.fps(), r.clipFrames(), r.firstClipFrames(), r.timeOffset(),
                s.steps(), s.guidance(), s.referenceGuidance(), s.guidanceRescale(), s.scheduler(), s.seed(), r.encoding(),
                h.progress(), h.cancel(), h.initialNoise(), h.trace(), h.preprocessing(), r.pose(), r.prompt(),
                r.negativePrompt());
    }
}
