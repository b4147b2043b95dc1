package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.TracedTensor;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.procedural.ProceduralFlowPack;
import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.Mp4Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pose video as Wan2.2-S2V's speech2video.py reads it: frames from the first, one every round(video fps /
 * render fps), black past the end; each clip's frames, the first repeated in front, encoded and the first
 * latent frame dropped. The procedural flow pack's encoder keeps every fourth frame, so the latents are
 * known frames.
 */
class PoseConditioningTest {
    static final int R = 48, F = 8, VIDEO_FRAMES = 20;

    @TempDir
    Path dir;

    /** A 50 fps video whose frame k is grey level 10 + 10k. */
    private Path poseVideo() throws Exception {
        Path video = dir.resolve("pose.mp4");
        try (Mp4Writer w = new Mp4Writer(video, R, R, 50, 1, null, 0, EncodingOptions.DEFAULT.withQp(Mp4Writer.MIN_QP))) {
            int[] rgb = new int[R * R];
            for (int k = 0; k < VIDEO_FRAMES; k++) {
                int level = 10 + 10 * k;
                Arrays.fill(rgb, level << 16 | level << 8 | level);
                w.accept(rgb);
            }
            w.finish();
        }
        return video;
    }

    private List<TracedTensor> render(ProceduralFlowPack flow, Path pose) {
        return render(flow, pose, 0);
    }

    private List<TracedTensor> render(ProceduralFlowPack flow, Path pose, double timeOffset) {
        try (ModelPack pack = ModelPack.load(flow.source(), List.of(ExecutionProvider.CPU), 1)) {
            List<TracedTensor> traced = new ArrayList<>();
            OracleTest.render(pack, dir.resolve("o.mp4"), b -> b.steps(2).pose(pose).timeOffset(timeOffset).trace(t -> {
                if (t.name().contains("/pose_")) {
                    traced.add(t);
                }
            }));
            return traced;
        }
    }

    @Test
    void framesAreTakenAtTheRenderRateBlackPastTheEndAndEncodedPerClip() throws Exception {
        Path pose = poseVideo();
        for (ProceduralFlowPack flow : List.of(ProceduralFlowPack.of(R, F, 5, 2).withPoseInput(),
                ProceduralFlowPack.of(R, F, 5, 2).withPoseInput().withChunkedVae())) {
            List<TracedTensor> traced = render(flow, pose);
            List<TracedTensor> frames = traced.stream().filter(t -> t.name().endsWith("/pose_frames")).toList();
            List<TracedTensor> latents = traced.stream().filter(t -> t.name().endsWith("/pose_latents")).toList();
            assertEquals(3, frames.size(), "17 frames at 25 fps in clips of 8");
            int plane = R * R;
            for (TracedTensor clip : frames) {
                assertArrayEquals(new long[] {F, 3, R, R}, clip.shape());
                for (int k = 0; k < F; k++) {
                    // render frame i is video frame 2i (50 fps to 25); past 20 frames, black
                    int i = clip.clip() * F + k, v = 2 * i;
                    double want = v < VIDEO_FRAMES ? (10 + 10 * v) / 255.0 : 0;
                    double mean = 0;
                    for (int p = 0; p < 3 * plane; p++) {
                        mean += clip.values()[k * 3 * plane + p];
                    }
                    mean /= 3 * plane;
                    assertEquals(want, mean, 3 / 255.0, "clip " + clip.clip() + " frame " + k + " (video frame " + v + ")");
                }
            }
            // the encoder keeps frames 0, 4, 8 of [f0, f0 .. f7]; the first latent goes: 2·f3 − 1, 2·f7 − 1
            for (TracedTensor lat : latents) {
                TracedTensor clip = frames.get(lat.clip());
                assertArrayEquals(new long[] {1, 3, F / 4, R, R}, lat.shape());
                for (int ch = 0; ch < 3; ch++) {
                    for (int j = 0; j < F / 4; j++) {
                        int k = 4 * j + 3;
                        for (int p = 0; p < plane; p++) {
                            float want = 2 * clip.values()[(k * 3 + ch) * plane + p] - 1;
                            assertEquals(want, lat.values()[(ch * (F / 4) + j) * plane + p], 1e-6f);
                        }
                    }
                }
            }
        }
    }

    /** A segment of a longer voice (as emo-spark renders them) takes the video's frames from its own start. */
    @Test
    void aSegmentTakesThePoseFromItsPlaceOnTheTimeline() throws Exception {
        List<TracedTensor> traced = render(ProceduralFlowPack.of(R, F, 5, 2).withPoseInput(), poseVideo(), 0.12);
        TracedTensor first = traced.stream().filter(t -> t.name().equals("clip-0000/pose_frames")).findFirst().orElseThrow();
        int plane = 3 * R * R;
        for (int k = 0; k < 3; k++) {
            // 0.12 s at 25 fps is 3 frames in: render frame k is video frame 2 (k + 3)
            double mean = 0;
            for (int p = 0; p < plane; p++) {
                mean += first.values()[k * plane + p];
            }
            assertEquals((10 + 10 * 2 * (k + 3)) / 255.0, mean / plane, 3 / 255.0, "frame " + k);
        }
    }

    @Test
    void aPackThatTakesNoPoseRefusesAPoseVideoByNameAndLeavesNoFile() throws Exception {
        Path pose = poseVideo();
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, 5, 2).source(), List.of(ExecutionProvider.CPU), 1)) {
            Path out = dir.resolve("no.mp4");
            var e = assertThrows(InvalidInputException.class, () -> OracleTest.render(pack, out, b -> b.pose(pose)));
            assertTrue(e.getMessage().startsWith("pose: ") && e.getMessage().contains("pose_latents"), e.getMessage());
            assertFalse(Files.exists(out));
        }
        Path notVideo = Files.writeString(dir.resolve("pose.txt"), "not a video");
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, 5, 2).withPoseInput().source(),
                List.of(ExecutionProvider.CPU), 1)) {
            Path out = dir.resolve("bad.mp4");
            var e = assertThrows(InvalidInputException.class, () -> OracleTest.render(pack, out, b -> b.pose(notVideo)));
            assertTrue(e.getMessage().startsWith("pose: ") && e.getMessage().contains("pose.txt"), e.getMessage());
            assertFalse(Files.exists(out));
        }
        // a video cut short: what was written plays, the rest is refused by name, and no file is left
        byte[] whole = Files.readAllBytes(pose);
        Path cut = Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(whole, whole.length / 2));
        try (ModelPack pack = ModelPack.load(ProceduralFlowPack.of(R, F, 5, 2).withPoseInput().source(),
                List.of(ExecutionProvider.CPU), 1)) {
            Path out = dir.resolve("cut-out.mp4");
            var e = assertThrows(InvalidInputException.class, () -> OracleTest.render(pack, out, b -> b.pose(cut)));
            assertTrue(e.getMessage().startsWith("pose: ") && e.getMessage().contains("cut.mp4"), e.getMessage());
            assertFalse(Files.exists(out));
        }
        var missing = assertThrows(InvalidInputException.class, () -> io.github.emo4j.RenderRequest
                .builder(OracleTest.portrait(), OracleTest.voice()).pose(dir.resolve("absent.mp4")));
        assertTrue(missing.getMessage().contains("absent.mp4"), missing.getMessage());
    }
}
