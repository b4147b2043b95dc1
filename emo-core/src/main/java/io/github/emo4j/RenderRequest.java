package io.github.emo4j;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceSelector;
import io.github.emo4j.sched.Schedulers;
import io.github.emo4j.video.EncodingOptions;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One render: a portrait, a voice, and how to animate. Immutable; the {@code with...} methods return
 * changed copies.
 *
 * @param portrait the portrait, any size within the pixel limit
 * @param audio    the voice, mono at any sample rate
 * @param face     the face box, or {@code null} to detect it
 * @param steps    sampling steps per clip, or 0 for the pack's default
 * @param guidance classifier-free guidance scale, or {@code NaN} for the pack's default; 1 or less
 *                 skips the unconditional pass
 * @param seed     seed of the initial noise; the same seed gives the same video
 * @param fps      output frame rate, or 0 for the pack's
 * @param motion   strength of head, expression and lip motion
 * @param progress where progress goes
 * @param cancel   a token to stop the render, or {@code null}
 * @param encoding how the MP4 is encoded (H.264 quality, key frames, audio codec)
 * @param guidanceRescale guidance rescale φ in [0, 1] (Lin et al., 2023): 0 is plain classifier-free
 *                 guidance; above 0 the guided noise is pulled back towards the conditional prediction's
 *                 standard deviation, which tames over-saturation at high guidance scales
 * @param referenceGuidance {@code NaN} for plain guidance; otherwise separate reference and audio
 *                 guidance as V-Express and Hallo use it: three branches (neither, reference only,
 *                 both) combined as {@code uncond + ref·(refOnly − uncond) + guidance·(full − refOnly)}
 * @param scheduler {@code null} for the pack's sampling algorithm, or another one on the pack's noise
 *                 schedule: one of {@link #SCHEDULERS} (e.g. {@code dpm++2m-karras},
 *                 which gets by with fewer steps than DDIM)
 * @param faceSelector which detected face to animate when {@code face} is null: the largest by default
 * @param parity   initial noise, tracing and preprocessing for checking a pack against its original
 *                 model; {@link ParityHooks#NONE} by default
 * @param timeOffset where this voice begins on a longer timeline, in seconds; 0 for a video of its own.
 *                 Frame times and the head-speed curve count from there, so a long voice rendered as
 *                 segments (emo-spark does) moves at each segment as the whole would
 */
public record RenderRequest(BufferedImage portrait, AudioClip audio, FaceBox face, int steps, double guidance,
                            long seed, int fps, MotionControl motion, ProgressListener progress, CancelToken cancel,
                            EncodingOptions encoding, double guidanceRescale, double referenceGuidance, String scheduler,
                            FaceSelector faceSelector, ParityHooks parity, double timeOffset) {
    /**
     * Checks every value; {@code null} motion, progress and encoding take their defaults.
     *
     * @param portrait          the portrait, any size within the pixel limit
     * @param audio             the voice, mono at any sample rate
     * @param face              the face box, or {@code null} to detect it
     * @param steps             sampling steps per clip, or 0 for the pack's default
     * @param guidance          classifier-free guidance scale, or {@code NaN} for the pack's default; 1 or less skips the unconditional pass
     * @param seed              seed of the initial noise; the same seed gives the same video
     * @param fps               output frame rate, or 0 for the pack's
     * @param motion            strength of head, expression and lip motion
     * @param progress          where progress goes
     * @param cancel            a token to stop the render, or {@code null}
     * @param encoding          how the MP4 is encoded (H.264 quality, key frames, audio codec)
     * @param guidanceRescale   guidance rescale φ in [0, 1] (Lin et al., 2023): 0 is plain classifier-free guidance; above 0 the guided noise is pulled back towards the conditional prediction's standard deviation, which tames over-saturation at high guidance scales
     * @param referenceGuidance {@code NaN} for plain guidance; otherwise separate reference and audio guidance as V-Express and Hallo use it: three branches (neither, reference only, both) combined as {@code uncond + ref·(refOnly − uncond) + guidance·(full − refOnly)}
     * @param scheduler         {@code null} for the pack's sampling algorithm, or another one on the pack's noise schedule: one of {@link #SCHEDULERS} (e.g. {@code dpm++2m-karras}, which gets by with fewer steps than DDIM)
     * @param faceSelector      which detected face to animate when {@code face} is null: the largest by default
     * @param parity            initial noise, tracing and preprocessing, or {@code null} for none
     * @param timeOffset        where this voice begins on a longer timeline, in seconds, 0 to 24 hours
     * @throws InvalidInputException if a value is out of range or the scheduler is unknown
     */
    public RenderRequest {
        Objects.requireNonNull(portrait, "portrait");
        Objects.requireNonNull(audio, "audio");
        if (steps < 0 || steps > 1000) {
            throw new InvalidInputException("steps must be between 1 and 1000: " + steps);
        }
        if (!Double.isNaN(guidance) && !(guidance >= 0 && guidance <= 50)) {
            throw new InvalidInputException("guidance must be between 0 and 50: " + guidance);
        }
        if (fps < 0 || fps > 120) {
            throw new InvalidInputException("fps must be between 1 and 120: " + fps);
        }
        motion = motion == null ? MotionControl.NATURAL : motion;
        progress = progress == null ? ProgressListener.NONE : progress;
        encoding = encoding == null ? EncodingOptions.DEFAULT : encoding;
        faceSelector = faceSelector == null ? FaceSelector.largest() : faceSelector;
        parity = parity == null ? ParityHooks.NONE : parity;
        if (!Double.isNaN(referenceGuidance) && !(referenceGuidance >= 0 && referenceGuidance <= 50)) {
            throw new InvalidInputException("reference guidance must be between 0 and 50: " + referenceGuidance);
        }
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) {
            throw new InvalidInputException("guidance rescale must be between 0 and 1: " + guidanceRescale);
        }
        if (!(timeOffset >= 0 && timeOffset <= 86_400)) {
            throw new InvalidInputException("time offset must be between 0 and 86400 seconds: " + timeOffset);
        }
        if (scheduler != null && !SCHEDULERS.contains(scheduler)) {
            throw new InvalidInputException("unknown scheduler '" + scheduler + "' (known: "
                    + String.join(", ", SCHEDULERS) + ")");
        }
    }

    /** The sampling algorithms a request may switch to, by name. */
    public static final List<String> SCHEDULERS = Schedulers.NAMES;

    /**
     * A request with every option at its default: the pack's steps, guidance and frame rate, the face
     * detected, seed 42, natural motion.
     *
     * @param portrait the portrait, as {@link EmoPipeline#readPortrait} returns it
     * @param audio    the voice, mono at any sample rate
     * @return the request
     */
    public static RenderRequest of(BufferedImage portrait, AudioClip audio) {
        return new RenderRequest(portrait, audio, null, 0, Double.NaN, 42, 0, MotionControl.NATURAL, ProgressListener.NONE, null,
                EncodingOptions.DEFAULT, 0, Double.NaN, null, FaceSelector.largest(), ParityHooks.NONE, 0);
    }

    /**
     * This request with another portrait.
     *
     * @param p the portrait
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withPortrait(BufferedImage p) {
        return edit(e -> e.portrait = p);
    }

    /**
     * This request with another voice.
     *
     * @param a the voice
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withAudio(AudioClip a) {
        return edit(e -> e.audio = a);
    }

    /**
     * This request with another face box.
     *
     * @param f the face in portrait pixels, or {@code null} to detect it
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withFace(FaceBox f) {
        return edit(e -> e.face = f);
    }

    /**
     * This request with another number of sampling steps per clip.
     *
     * @param s steps, 1 to 1000, or 0 for the pack's default
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withSteps(int s) {
        return edit(e -> e.steps = s);
    }

    /**
     * This request with another classifier-free guidance scale.
     *
     * @param g the scale, 0 to 50, or NaN for the pack's default
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withGuidance(double g) {
        return edit(e -> e.guidance = g);
    }

    /**
     * This request with another noise seed.
     *
     * @param s the seed
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withSeed(long s) {
        return edit(e -> e.seed = s);
    }

    /**
     * This request with another frame rate.
     *
     * @param f frames per second, 1 to 120, or 0 for the pack's
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withFps(int f) {
        return edit(e -> e.fps = f);
    }

    /**
     * This request with another motion strength.
     *
     * @param m how strongly the head, expression and lips move
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withMotion(MotionControl m) {
        return edit(e -> e.motion = m);
    }

    /**
     * This request with another progress listener.
     *
     * @param p the listener
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withProgress(ProgressListener p) {
        return edit(e -> e.progress = p);
    }

    /**
     * This request with another cancellation token.
     *
     * @param c the token, or {@code null}
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withCancel(CancelToken c) {
        return edit(e -> e.cancel = c);
    }

    /**
     * This request with another MP4 encoding.
     *
     * @param e H.264 quality, key frames and audio codec
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withEncoding(EncodingOptions e) {
        return edit(x -> x.encoding = e);
    }

    /**
     * This request with another guidance rescale.
     *
     * @param phi the rescale factor φ, 0 to 1
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withGuidanceRescale(double phi) {
        return edit(e -> e.guidanceRescale = phi);
    }

    /**
     * This request with another reference guidance scale.
     *
     * @param r the scale, 0 to 50, or NaN for plain guidance
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withReferenceGuidance(double r) {
        return edit(e -> e.referenceGuidance = r);
    }

    /**
     * This request with another sampling algorithm.
     *
     * @param name one of {@link #SCHEDULERS}, or {@code null} for the pack's
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withScheduler(String name) {
        return edit(e -> e.scheduler = name);
    }

    /**
     * This request with another choice among several detected faces.
     *
     * @param s which face to animate, e.g. {@link FaceSelector#index}; {@code null} for the largest
     * @return the changed copy
     */
    public RenderRequest withFaceSelector(FaceSelector s) {
        return edit(e -> e.faceSelector = s);
    }

    /**
     * This request starting each clip from the given noise instead of the seed's: the way to reproduce
     * another implementation's render exactly. The seed still drives anything else random.
     *
     * @param noise each clip's standard-normal noise, or {@code null} to draw it from the seed
     * @return the changed copy
     */
    public RenderRequest withInitialNoise(InitialNoise noise) {
        return edit(e -> e.parity = new ParityHooks(noise, e.parity.trace(), e.parity.preprocessing()));
    }

    /**
     * This request handing every named tensor between its stages to {@code trace}: producer outputs,
     * each clip's conditions and initial noise, each step's sample, prediction, guided prediction and
     * latents, and the decoded frames. {@link TraceDirectory} writes them as {@code .npy} files.
     *
     * @param trace the listener, or {@code null} for none
     * @return the changed copy
     */
    public RenderRequest withTrace(TraceListener trace) {
        return edit(e -> e.parity = new ParityHooks(e.parity.initialNoise(), trace, e.parity.preprocessing()));
    }

    /**
     * This request using the given preprocessing results (face crop, face image, masks) instead of
     * deriving them.
     *
     * @param given the tensors, or {@code null} for none
     * @return the changed copy
     */
    public RenderRequest withPreprocessing(Preprocessing given) {
        return edit(e -> e.parity = new ParityHooks(e.parity.initialNoise(), e.parity.trace(), given));
    }

    /**
     * This request placed at {@code seconds} on a longer timeline: frame times and the head-speed curve
     * count from there, so segments of one long voice, rendered apart, move as the whole would.
     *
     * @param seconds where this voice begins, 0 to 24 hours
     * @return the changed copy
     * @throws InvalidInputException if the value is out of range
     */
    public RenderRequest withTimeOffset(double seconds) {
        return edit(e -> e.timeOffset = seconds);
    }

    /** A copy with the fields {@code change} sets; the canonical constructor checks the result. */
    private RenderRequest edit(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new RenderRequest(f.portrait, f.audio, f.face, f.steps, f.guidance, f.seed, f.fps, f.motion, f.progress,
                f.cancel, f.encoding, f.guidanceRescale, f.referenceGuidance, f.scheduler, f.faceSelector, f.parity,
                f.timeOffset);
    }

    /** The fields of a request, open for one edit. */
    private static final class Fields {
        BufferedImage portrait;
        AudioClip audio;
        FaceBox face;
        int steps;
        double guidance;
        long seed;
        int fps;
        MotionControl motion;
        ProgressListener progress;
        CancelToken cancel;
        EncodingOptions encoding;
        double guidanceRescale;
        double referenceGuidance;
        String scheduler;
        FaceSelector faceSelector;
        ParityHooks parity;
        double timeOffset;

        Fields(RenderRequest r) {
            portrait = r.portrait;
            audio = r.audio;
            face = r.face;
            steps = r.steps;
            guidance = r.guidance;
            seed = r.seed;
            fps = r.fps;
            motion = r.motion;
            progress = r.progress;
            cancel = r.cancel;
            encoding = r.encoding;
            guidanceRescale = r.guidanceRescale;
            referenceGuidance = r.referenceGuidance;
            scheduler = r.scheduler;
            faceSelector = r.faceSelector;
            parity = r.parity;
            timeOffset = r.timeOffset;
        }
    }
}
