package io.github.emo4j;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
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
 */
public record RenderRequest(BufferedImage portrait, AudioClip audio, FaceBox face, int steps, double guidance,
                            long seed, int fps, MotionControl motion, ProgressListener progress, CancelToken cancel,
                            EncodingOptions encoding, double guidanceRescale, double referenceGuidance, String scheduler) {

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
        if (!Double.isNaN(referenceGuidance) && !(referenceGuidance >= 0 && referenceGuidance <= 50)) {
            throw new InvalidInputException("reference guidance must be between 0 and 50: " + referenceGuidance);
        }
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) {
            throw new InvalidInputException("guidance rescale must be between 0 and 1: " + guidanceRescale);
        }
        if (scheduler != null && !SCHEDULERS.contains(scheduler)) {
            throw new InvalidInputException("unknown scheduler '" + scheduler + "' (known: "
                    + String.join(", ", SCHEDULERS) + ")");
        }
    }

    /** The sampling algorithms a request may switch to, by name. */
    public static final List<String> SCHEDULERS = Schedulers.NAMES;

    /** A request with every option at its default. */
    public static RenderRequest of(BufferedImage portrait, AudioClip audio) {
        return new RenderRequest(portrait, audio, null, 0, Double.NaN, 42, 0, MotionControl.NATURAL, ProgressListener.NONE, null,
                EncodingOptions.DEFAULT, 0, Double.NaN, null);
    }

    /** This request for another portrait. */
    public RenderRequest withPortrait(BufferedImage p) {
        return edit(e -> e.portrait = p);
    }

    /** This request for another voice. */
    public RenderRequest withAudio(AudioClip a) {
        return edit(e -> e.audio = a);
    }

    public RenderRequest withFace(FaceBox f) {
        return edit(e -> e.face = f);
    }

    public RenderRequest withSteps(int s) {
        return edit(e -> e.steps = s);
    }

    public RenderRequest withGuidance(double g) {
        return edit(e -> e.guidance = g);
    }

    public RenderRequest withSeed(long s) {
        return edit(e -> e.seed = s);
    }

    public RenderRequest withFps(int f) {
        return edit(e -> e.fps = f);
    }

    public RenderRequest withMotion(MotionControl m) {
        return edit(e -> e.motion = m);
    }

    public RenderRequest withProgress(ProgressListener p) {
        return edit(e -> e.progress = p);
    }

    public RenderRequest withCancel(CancelToken c) {
        return edit(e -> e.cancel = c);
    }

    public RenderRequest withEncoding(EncodingOptions e) {
        return edit(x -> x.encoding = e);
    }

    public RenderRequest withGuidanceRescale(double phi) {
        return edit(e -> e.guidanceRescale = phi);
    }

    public RenderRequest withReferenceGuidance(double r) {
        return edit(e -> e.referenceGuidance = r);
    }

    public RenderRequest withScheduler(String name) {
        return edit(e -> e.scheduler = name);
    }

    /** A copy with the fields {@code change} sets; the canonical constructor checks the result. */
    private RenderRequest edit(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new RenderRequest(f.portrait, f.audio, f.face, f.steps, f.guidance, f.seed, f.fps, f.motion, f.progress,
                f.cancel, f.encoding, f.guidanceRescale, f.referenceGuidance, f.scheduler);
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
        }
    }
}
