package io.github.emo4j.pipeline;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.sched.Scheduler;
import io.github.emo4j.sched.SchedulerRegistry;
import java.util.Map;

/**
 * What a render will do, decided before anything runs: frame rate and count, how the video is cut into
 * clips, how many guidance branches each denoiser run carries, and the sampling algorithm. Pure
 * arithmetic on the request and the pack's settings.
 *
 * @param fps            output frame rate
 * @param steps          sampling steps per clip
 * @param guidance       the audio (or only) guidance scale; at least 1 whenever branches are batched
 * @param guided         whether the denoiser's batch holds an unconditional branch (classifier-free guidance)
 * @param splitGuidance  whether reference and audio guidance are separate (three branches)
 * @param branches       the denoiser's guidance batch: 1, 2 or 3
 * @param frames         video frames, one per 1/fps of voice: all of them once the voice is complete, else
 *                       those its voice so far covers; -1 before any is known
 * @param clipFrames     frames per clip (EMO's f)
 * @param firstClipFrames frames of the first clip: {@code clipFrames}, or fewer so that a live stream's
 *                       first frame waits for less voice
 * @param motionFrames   motion frames carried from clip to clip (EMO's n)
 * @param overlap        frames shared by consecutive context windows (0 when motion frames join clips)
 * @param clips          clips that cover the frames, -1 before they are known
 * @param scheduler      the sampling algorithm
 * @param initNoiseSigma the scale of each clip's initial noise
 */
record RenderPlan(int fps, int steps, double guidance, boolean guided, boolean splitGuidance, int branches,
                  long frames, int clipFrames, int firstClipFrames, int motionFrames, int overlap, int clips,
                  Scheduler scheduler, float initNoiseSigma) {

    /** Longest video a render makes. */
    static final long MAX_SECONDS = 24L * 3600;

    /**
     * The plan for {@code req} on a pack with {@code settings}, whose denoiser's guidance batch is fixed
     * at {@code fixedBranches} and its clip length at {@code fixedFrames} (each symbolic when not positive), and whose own sampler is
     * {@code packScheduler}, configured by {@code schedulerConfig}; another sampler the request asks for
     * comes from {@code schedulers}, the pack family's.
     *
     * @throws InvalidInputException when the request cannot be rendered on this pack
     */
    static RenderPlan of(RenderSpec req, PackSettings settings, long fixedBranches, long fixedFrames, Scheduler packScheduler,
                         Map<String, Object> schedulerConfig, SchedulerRegistry schedulers) {
        int fps = req.fps() > 0 ? req.fps() : settings.fps();
        int steps = req.steps() > 0 ? req.steps() : settings.defaultSteps();
        double guidance = Double.isNaN(req.guidance()) ? settings.defaultGuidance() : req.guidance();
        // a denoiser exported with a fixed guidance batch (Hallo's always has two branches) runs it at any
        // scale: at 1 the combination gives the conditional prediction
        boolean split = !Double.isNaN(req.referenceGuidance()) && (guidance > 1.0 || fixedBranches == 3);
        boolean guided = guidance > 1.0 || fixedBranches >= 2 || split;
        int branches = split ? 3 : (guided ? 2 : 1);
        if (guided && guidance < 1.0) {
            guidance = 1.0;
        }
        checkBranches(fixedBranches, branches, guidance);
        Scheduler scheduler = scheduler(req.scheduler(), packScheduler, schedulerConfig, schedulers);
        float sigma = initNoiseSigma(scheduler, steps, req.scheduler());
        int f = req.clipFrames() > 0 ? req.clipFrames() : settings.clipFrames(), overlap = settings.contextOverlap();
        if (f <= overlap || (fixedFrames > 0 && f != fixedFrames)) {
            throw new InvalidInputException("clipFrames " + f + ": this pack's denoiser takes " + (fixedFrames > 0
                    ? "clips of " + fixedFrames + " frames only" : "more frames a clip than its context overlap of " + overlap));
        }
        int first = req.firstClipFrames() > 0 ? req.firstClipFrames() : f;
        if (first > f) {
            throw new InvalidInputException("firstClipFrames " + first + ": the first clip may be shorter than the others ("
                    + f + " frames), not longer");
        }
        if (first < f && (fixedFrames > 0 || overlap > 0)) {
            throw new InvalidInputException("firstClipFrames " + first + ": this pack's denoiser takes "
                    + (fixedFrames > 0 ? "clips of " + fixedFrames + " frames only" : "overlapping context windows, all of one length"));
        }
        return new RenderPlan(fps, steps, guidance, guided, split, branches, -1, f, first, settings.motionFrames(), overlap,
                -1, scheduler, sigma).withFrames(-1);
    }

    /** This plan for a video of {@code frames} frames (-1: not known yet). */
    RenderPlan withFrames(long frames) {
        int clips = frames < 0 ? -1 : firstClipFrames < clipFrames && frames > firstClipFrames
                ? 1 + clips(frames - firstClipFrames, clipFrames, 0) : clips(frames, clipFrames, overlap);
        return new RenderPlan(fps, steps, guidance, guided, splitGuidance, branches, frames, clipFrames, firstClipFrames,
                motionFrames, overlap, clips, scheduler, initNoiseSigma);
    }

    private static void checkBranches(long fixed, int branches, double guidance) {
        if (fixed > 0 && fixed != branches) {
            throw new InvalidInputException("this pack's denoiser runs " + fixed + " guidance branch"
                    + (fixed == 1 ? "" : "es") + " ('sample' has leading dimension " + fixed + "); "
                    + (branches == 3 ? "separate reference guidance needs 3" : fixed == 3
                    ? "give a reference guidance scale too" : "guidance " + guidance + " needs " + branches));
        }
    }

    /** Frames for {@code seconds} of voice at {@code fps}: at least one, at most {@link #MAX_SECONDS}' worth. */
    static long frames(double seconds, int fps) {
        long frames = Math.round(seconds * fps);
        if (frames < 1) {
            throw new InvalidInputException(String.format("audio is too short (%.3f s) for one frame at %d fps", seconds, fps));
        }
        if (frames > MAX_SECONDS * fps) {
            throw new InvalidInputException("audio is longer than 24 hours");
        }
        return frames;
    }

    /**
     * Clips of {@code f} frames that cover {@code frames}: back to back when motion frames join them, or
     * advancing by {@code f - overlap} when context windows overlap.
     */
    static int clips(long frames, int f, int overlap) {
        int stride = f - overlap;
        return overlap == 0 ? (int) ((frames + f - 1) / f) : (int) Math.max(1, (frames - overlap + stride - 1) / stride);
    }

    private static Scheduler scheduler(String requested, Scheduler packScheduler, Map<String, Object> config,
                                       SchedulerRegistry schedulers) {
        if (requested == null) {
            return packScheduler;
        }
        try {
            return schedulers.fromConfig(schedulers.switchTo(config, requested));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("scheduler " + requested + " on this pack: " + e.getMessage());
        }
    }

    private static float initNoiseSigma(Scheduler scheduler, int steps, String requested) {
        try {
            return scheduler.sampler(steps, 0).initNoiseSigma();
        } catch (IllegalArgumentException e) {
            if (requested == null) {
                throw e;
            }
            throw new InvalidInputException("scheduler " + requested + " on this pack: " + e.getMessage());
        }
    }

    /** Frames between the starts of consecutive clips. */
    int stride() {
        return clipFrames - overlap;
    }

    /** Whether the first clip is shorter than the others. */
    boolean shortFirstClip() {
        return firstClipFrames < clipFrames;
    }

    /** Frames clip {@code clip} is made with: the first clip's length, or the others'. */
    int clipLength(int clip) {
        return clip == 0 ? firstClipFrames : clipFrames;
    }

    /** The index of clip {@code clip}'s first frame. */
    long firstFrame(int clip) {
        return clip == 0 ? 0 : firstClipFrames - clipFrames + (long) clip * stride();
    }

    /**
     * Whether clip {@code clip} is whole and not the last while only {@code frames} frames are known: more
     * frames follow its end, so neither its length nor what it hands on can change with more voice.
     */
    boolean settledBy(int clip, long frames) {
        return frames > firstFrame(clip) + clipLength(clip);
    }

    /** Frames of clip {@code clip} that lie inside the video. */
    int validFrames(int clip) {
        return (int) Math.min(clipLength(clip), frames - firstFrame(clip));
    }

    /** Frames clip {@code clip} hands to the video: with context windows, the last frames wait for the next clip's cross-fade. */
    int emittedFrames(int clip) {
        return overlap > 0 && clip < clips - 1 ? stride() : validFrames(clip);
    }

    /** Whether each clip's last frames carry over as the next one's motion frames (not context windows). */
    boolean carriesMotionFrames() {
        return overlap == 0;
    }
}
