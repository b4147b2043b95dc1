package io.github.emo4j.examples;

import io.github.emo4j.HeadSpeed;
import io.github.emo4j.InitialNoise;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.MotionControl;
import io.github.emo4j.Preprocessing;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.FaceSelector;
import io.github.emo4j.video.AudioCodec;
import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.Mp4Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A file render's options beyond the animation's: sampling, motion, encoding and what to keep. */
final class RenderOptions {
    @Mixin
    ConditionOptions conditions;

    @Option(names = "--scheduler", paramLabel = "NAME",
            description = "ddim, euler, dpm++2m, dpm++2m-karras, ddpm or lcm on a UNet pack's noise schedule; flow-euler, "
                    + "flow-unipc or flow-dpm++ on a flow pack's (default: the pack's)")
    String scheduler;

    @Option(names = "--guidance", paramLabel = "S",
            description = "classifier-free guidance scale; 1 or less turns it off (default: the pack's)")
    Double guidance;

    @Option(names = "--reference-guidance", paramLabel = "R",
            description = "separate reference guidance; --guidance then scales the audio alone")
    Double referenceGuidance;

    @Option(names = "--guidance-rescale", paramLabel = "P",
            description = "guidance rescale 0..1, against over-saturation at high guidance (default 0)")
    Double guidanceRescale;

    @Option(names = "--fps", paramLabel = "N", description = "output frame rate, 1 to 120 (default: the pack's, 25 for the built-in pack)")
    Integer fps;

    @Option(names = "--face-index", paramLabel = "N",
            description = "with several faces, use the N-th as `emo faces` lists them (default 0: the largest)")
    Integer faceIndex;

    @Option(names = "--motion", paramLabel = "P,E,L", description = "pose, expression and lip motion strength, 0..4 (default 1,1,1)")
    String motion;

    @Option(names = "--head-speed", paramLabel = "T:S,..",
            description = "head speed over time for packs with speed layers, e.g. 0:0.3,4:1.5")
    String headSpeed;

    @Option(names = "--quality", paramLabel = "QP", description = "H.264 quantiser of what moves, 10 (best) to 29 (smallest "
            + "file), default 26; key frames, which hold the still background, are 10 finer (at least 10)")
    Integer quality;

    @Option(names = "--key-interval", paramLabel = "N", description = "frames between key frames, 1 to 600 (default 250: seeking to every 10 s)")
    Integer keyInterval;

    @Option(names = "--audio-codec", paramLabel = "C", description = "aac (default) or pcm")
    String audioCodec;

    @Option(names = "--background", paramLabel = "RRGGBB", description = "colour under transparent portrait pixels (default ffffff)")
    String background;

    @Option(names = "--frames", paramLabel = "DIR",
            description = "also write every frame, as it goes to the encoder, as DIR/frame-000001.png, ...")
    Path frames;

    @Option(names = "--trace", paramLabel = "DIR", description = "write every tensor between the stages to DIR as .npy, with DIR/index.json")
    Path trace;

    @Option(names = "--noise", paramLabel = "DIR",
            description = "start clip N from DIR/clip-000N.npy ([1,C,F,h,w] standard normal) or a trace's noise")
    Path noise;

    @Option(names = "--inputs", paramLabel = "DIR", description = "use DIR's face_crop, face_image, face_mask and "
            + "<kind>_mask_<level> .npy files (or a trace's) instead of deriving them")
    Path inputs;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    /** The colour {@code --background} gives, white by default. */
    int backgroundRgb() {
        if (background == null) {
            return 0xFFFFFF;
        }
        try {
            return Integer.parseInt(background.replace("#", ""), 16) & 0xFFFFFF;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--background must be a colour as RRGGBB: '" + background + "'");
        }
    }

    /** The frame rate asked for, or 0 for the pack's. */
    int fpsOrPack() {
        return Numbers.within("--fps", fps, 0, 1, 120);
    }

    /** Sets the sampling, motion, encoding and input options on {@code req} (not the trace: see the command). */
    void apply(RenderRequest.Builder req) {
        req.fps(fpsOrPack());
        if (guidance != null) {
            req.guidance(guidance);
        }
        if (referenceGuidance != null) {
            req.referenceGuidance(referenceGuidance);
        }
        if (guidanceRescale != null) {
            req.guidanceRescale(guidanceRescale);
        }
        if (scheduler != null) {
            req.scheduler(scheduler);
        }
        MotionControl m = motion != null ? MotionControl.parse(motion) : MotionControl.NATURAL;
        if (headSpeed != null) {
            m = m.withHeadSpeed(HeadSpeed.parse(headSpeed));
        }
        req.motion(m);
        req.encoding(encoding());
        if (noise != null) {
            req.initialNoise(InitialNoise.fromDirectory(noise));
        }
        if (inputs != null) {
            req.preprocessing(Preprocessing.fromDirectory(inputs));
        }
        conditions.apply(req);
        req.faceSelector(FaceSelector.index(Numbers.within("--face-index", faceIndex, 0, 0, 1000)));
    }

    private EncodingOptions encoding() {
        EncodingOptions enc = EncodingOptions.DEFAULT
                .withQp(Numbers.within("--quality", quality, Mp4Writer.DEFAULT_QP, Mp4Writer.MIN_QP, Mp4Writer.MAX_QP))
                .withKeyInterval(Numbers.within("--key-interval", keyInterval, EncodingOptions.DEFAULT.keyInterval(), 1, 600));
        if (audioCodec != null) {
            try {
                enc = enc.withAudioCodec(AudioCodec.valueOf(audioCodec.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--audio-codec must be aac or pcm: '" + audioCodec + "'");
            }
        }
        if (frames != null) {
            if (Files.exists(frames)) {
                throw new InvalidInputException(frames + ": --frames needs a folder that does not exist yet");
            }
            enc = enc.withFrames(frames);
        }
        return enc;
    }
}
