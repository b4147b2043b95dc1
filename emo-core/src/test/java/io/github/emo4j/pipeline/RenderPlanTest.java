package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.FeatureKind;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.procedural.ProceduralPack;
import io.github.emo4j.sched.DdimScheduler;
import io.github.emo4j.sched.Scheduler;
import io.github.emo4j.sched.Schedulers;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The render's arithmetic, without ONNX Runtime: guidance branches, clips and frames, the sampler. */
class RenderPlanTest {
    private static final Map<String, Object> CONFIG = ProceduralPack.schedulerConfig();
    private static final Scheduler PACK_SCHEDULER = Schedulers.fromConfig(CONFIG);

    /** Settings of a pack with f-frame clips, the given context overlap, 25 fps, 40 steps and guidance 3.5 by default. */
    private static PackSettings settings(int f, int overlap) {
        return new PackSettings(512, 4, 8, f, overlap == 0 ? 4 : 0, 2, 16000, 640, 768, 25, 40, 3.5, overlap, 0, "zeros",
                16000, 1.0, false, FeatureKind.WAV2VEC_INPUT, false, java.util.List.of(), null, null, "frame-centres", 0, 0, null);
    }

    private static RenderRequest request(double seconds) {
        return RenderRequest.of(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB),
                new AudioClip(new float[(int) Math.round(seconds * 16000)], 16000));
    }

    private static RenderPlan plan(RenderRequest req, long fixedBranches) {
        return plan(req, settings(12, 0), fixedBranches);
    }

    /** The plan for the whole of {@code req}'s voice. */
    private static RenderPlan plan(RenderRequest req, PackSettings settings, long fixedBranches) {
        RenderPlan p = RenderPlan.of(RenderSpec.of(req), settings, fixedBranches, -1, PACK_SCHEDULER, CONFIG, Schedulers.DIFFUSION);
        return p.withFrames(RenderPlan.frames(req.audio().durationSeconds(), p.fps()));
    }

    @Test
    void defaultsComeFromThePackAndTheRequestOverridesThem() {
        RenderPlan p = plan(request(1), -1);
        assertEquals(25, p.fps());
        assertEquals(40, p.steps());
        assertEquals(3.5, p.guidance());
        RenderPlan q = plan(request(1).toBuilder().fps(30).steps(8).guidance(2).build(), -1);
        assertEquals(30, q.fps());
        assertEquals(8, q.steps());
        assertEquals(2.0, q.guidance());
        assertEquals(30, q.frames());
    }

    @Test
    void guidanceAboveOneBatchesAnUnconditionalBranch() {
        RenderPlan plain = plan(request(1).toBuilder().guidance(1).build(), -1);
        assertFalse(plain.guided());
        assertEquals(1, plain.branches());
        RenderPlan guided = plan(request(1).toBuilder().guidance(2.5).build(), -1);
        assertTrue(guided.guided());
        assertFalse(guided.splitGuidance());
        assertEquals(2, guided.branches());
    }

    @Test
    void aDenoiserExportedWithTwoBranchesRunsThemAtAnyScale() {
        RenderPlan p = plan(request(1).toBuilder().guidance(0.5).build(), 2);
        assertTrue(p.guided());
        assertEquals(2, p.branches());
        assertEquals(1.0, p.guidance(), "below 1 the combination is raised to the conditional prediction");
    }

    @Test
    void referenceGuidanceSplitsIntoThreeBranchesOnlyWhenItCanMatter() {
        RenderPlan split = plan(request(1).toBuilder().guidance(2).referenceGuidance(1.5).build(), -1);
        assertTrue(split.splitGuidance());
        assertEquals(3, split.branches());
        RenderPlan unguided = plan(request(1).toBuilder().guidance(1).referenceGuidance(1.5).build(), -1);
        assertFalse(unguided.splitGuidance());
        assertEquals(1, unguided.branches());
        RenderPlan fixedThree = plan(request(1).toBuilder().guidance(1).referenceGuidance(1.5).build(), 3);
        assertTrue(fixedThree.splitGuidance());
        assertEquals(3, fixedThree.branches());
    }

    @Test
    void aFixedBatchThatDoesNotFitTheRequestIsRefusedWithTheReason() {
        var three = assertThrows(InvalidInputException.class, () -> plan(request(1).toBuilder().guidance(2).build(), 3));
        assertTrue(three.getMessage().contains("give a reference guidance scale too"), three.getMessage());
        var one = assertThrows(InvalidInputException.class, () -> plan(request(1).toBuilder().guidance(3).build(), 1));
        assertTrue(one.getMessage().contains("guidance 3.0 needs 2"), one.getMessage());
        var two = assertThrows(InvalidInputException.class,
                () -> plan(request(1).toBuilder().guidance(2).referenceGuidance(1).build(), 2));
        assertTrue(two.getMessage().contains("separate reference guidance needs 3"), two.getMessage());
    }

    @Test
    void clipsJoinedByMotionFramesCoverTheVideoBackToBack() {
        RenderPlan p = plan(request(12.2), -1);
        assertEquals(305, p.frames());
        assertEquals(26, p.clips());
        assertTrue(p.carriesMotionFrames());
        assertEquals(300, p.firstFrame(25));
        assertEquals(12, p.emittedFrames(24));
        assertEquals(5, p.validFrames(25));
        assertEquals(5, p.emittedFrames(25));
    }

    @Test
    void aShorterFirstClipShiftsTheOthersAndTheyStillCoverTheVideo() {
        RenderPlan p = plan(request(1).toBuilder().clipFrames(4).firstClipFrames(1).build(), -1);
        assertEquals(25, p.frames());
        assertTrue(p.shortFirstClip());
        assertEquals(7, p.clips(), "1 frame, then 6 clips of 4 cover 25 frames");
        assertEquals(1, p.clipLength(0));
        assertEquals(4, p.clipLength(1));
        assertEquals(0, p.firstFrame(0));
        assertEquals(1, p.firstFrame(1));
        assertEquals(21, p.firstFrame(6));
        assertEquals(1, p.emittedFrames(0));
        assertEquals(4, p.validFrames(6));
        assertFalse(p.settledBy(0, 1), "the first clip is not known to be followed");
        assertTrue(p.settledBy(0, 2));
        long covered = 0;
        for (int c = 0; c < p.clips(); c++) {
            assertEquals(covered, p.firstFrame(c), "clip " + c + " starts where the last ended");
            covered += p.emittedFrames(c);
        }
        assertEquals(25, covered);
        RenderPlan one = p.withFrames(1);
        assertEquals(1, one.clips(), "a voice of one frame is the first clip alone");
        assertEquals(2, p.withFrames(2).clips());
        RenderPlan same = plan(request(1).toBuilder().clipFrames(4).firstClipFrames(4).build(), -1);
        assertFalse(same.shortFirstClip());
        assertEquals(7, same.clips());
        assertEquals(24, same.firstFrame(6));
    }

    @Test
    void aFirstClipIsRefusedLongerThanTheOthersOrWhereThePackTakesOneLength() {
        var longer = assertThrows(InvalidInputException.class,
                () -> plan(request(1).toBuilder().clipFrames(4).firstClipFrames(6).build(), -1));
        assertTrue(longer.getMessage().contains("firstClipFrames 6") && longer.getMessage().contains("not longer"),
                longer.getMessage());
        var fixed = assertThrows(InvalidInputException.class, () -> RenderPlan.of(RenderSpec.of(
                request(1).toBuilder().firstClipFrames(4).build()), settings(12, 0), -1, 12, PACK_SCHEDULER, CONFIG,
                Schedulers.DIFFUSION));
        assertTrue(fixed.getMessage().contains("clips of 12 frames only"), fixed.getMessage());
        var windows = assertThrows(InvalidInputException.class,
                () -> plan(request(1).toBuilder().firstClipFrames(4).build(), settings(12, 2), -1));
        assertTrue(windows.getMessage().contains("overlapping context windows"), windows.getMessage());
        var range = assertThrows(InvalidInputException.class, () -> request(1).toBuilder().firstClipFrames(65));
        assertTrue(range.getMessage().contains("firstClipFrames"), range.getMessage());
    }

    @Test
    void contextWindowsOverlapAndHoldBackTheirLastFrames() {
        RenderPlan p = plan(request(1), settings(12, 2), -1);
        assertEquals(25, p.frames());
        assertEquals(10, p.stride());
        assertEquals(3, p.clips());
        assertFalse(p.carriesMotionFrames());
        assertEquals(10, p.emittedFrames(0), "the overlap waits for the next window's cross-fade");
        assertEquals(20, p.firstFrame(2));
        assertEquals(5, p.emittedFrames(2));
        assertEquals(1, RenderPlan.clips(3, 12, 2), "a video shorter than one window is one clip");
    }

    @Test
    void framesAreBoundedBothWays() {
        var shortVoice = assertThrows(InvalidInputException.class, () -> plan(request(0.01), -1));
        assertTrue(shortVoice.getMessage().contains("too short"), shortVoice.getMessage());
        assertThrows(InvalidInputException.class, () -> RenderPlan.frames(24 * 3600 + 1, 25));
        assertEquals(24L * 3600 * 25, RenderPlan.frames(24 * 3600, 25));
    }

    @Test
    void anotherSamplerRunsOnThePacksNoiseSchedule() {
        RenderPlan own = plan(request(1), -1);
        assertSame(PACK_SCHEDULER, own.scheduler());
        assertInstanceOf(DdimScheduler.class, own.scheduler());
        assertEquals(1f, own.initNoiseSigma());
        RenderPlan euler = plan(request(1).toBuilder().scheduler("euler").steps(10).build(), -1);
        assertNotSame(PACK_SCHEDULER, euler.scheduler());
        assertTrue(euler.initNoiseSigma() > 1f, "Euler starts from noise scaled by the largest sigma");
    }
}
