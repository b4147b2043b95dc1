package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.LatentLayout;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.video.Mp4Frames;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Wan2.2-S2V's pose condition, as {@code speech2video.py}'s {@code load_pose_cond} makes it: the pose video's
 * frames from its first, one every round(video fps / render fps) frames (rounded half to even, as Python
 * rounds), black past its end; each clip's frames, its first repeated in front, encoded by the causal VAE,
 * and the first latent frame dropped, so that the clip's n latent frames are its own. Frames are square
 * centre crops at the pack's resolution (Wan resizes the shorter side, then crops the centre: the same
 * pixels when the video is already square at that size). Without a video the latents stay zeros, as Wan's
 * do. The video is read as the clips go, one frame in memory. A segment of a longer voice
 * ({@code timeOffset}) takes the video's frames from its own start on that timeline.
 */
final class PoseConditioning {
    private final Mp4Frames video;
    private final int interval;
    /** Render frames before this voice's first on a longer timeline ({@code timeOffset}): the video's frames count from there. */
    private final long offsetFrames;
    private final int resolution;
    private final int clipFrames;
    private final RenderContext ctx;
    /** {@code [1, 3, f + 1, R, R]}: the clip's frames after its first, repeated. */
    private final FloatTensor pixels;
    /** {@code [1, C, 1 + n, h, w]}. */
    private final FloatTensor encoded;
    private final ComponentCall encode;
    private final VaeChunks chunks;
    /** The denoiser's {@code pose_latents}, {@code [1, C, n, h, w]}. */
    final FloatTensor latents;
    private int nextVideoFrame;
    private int[] current;
    private BufferedImage frame;

    /**
     * The pose latents for clips of {@code clipFrames} at {@code fps}, from {@code file} (or zeros when it is
     * {@code null}), encoded by the pack's VAE encoder, or by {@code chunks} when the VAE is in chunks.
     */
    PoseConditioning(ModelPack pack, LatentLayout layout, Path file, int fps, int clipFrames, VaeChunks chunks,
                     RenderContext ctx) throws OrtException {
        int r = pack.settings().resolution(), n = layout.clipLatentFrames(clipFrames);
        this.resolution = r;
        this.clipFrames = clipFrames;
        this.ctx = ctx;
        this.chunks = chunks;
        this.latents = ctx.tensors.zeros(1, layout.channels(), n, layout.height(), layout.width());
        this.offsetFrames = Math.round(ctx.spec.timeOffset() * fps);
        if (file == null) {
            video = null;
            interval = 1;
            pixels = encoded = null;
            encode = null;
            return;
        }
        try {
            video = Mp4Frames.open(file);
        } catch (IOException e) {
            throw new InvalidInputException("pose: " + e.getMessage(), e);
        }
        ctx.views.add(video);
        double videoFps = video.fps();
        if (!(videoFps > 0)) {
            throw new InvalidInputException("pose: " + file + " has no frame rate (no duration)");
        }
        interval = (int) Math.max(1, Math.rint(videoFps / fps));
        pixels = ctx.tensors.zeros(1, 3, clipFrames + 1, r, r);
        encoded = ctx.tensors.zeros(1, layout.channels(), 1 + n, layout.height(), layout.width());
        encode = chunks != null ? null : new ComponentCall(pack.component(Role.VAE_ENCODER), ctx.views, ctx.clock)
                .input(Contract.PIXELS, pixels).output(Contract.LATENTS, encoded);
    }

    /** Reads clip {@code clip}'s frames, from render frame {@code firstFrame}, and encodes them into {@link #latents}. */
    void prepare(int clip, long firstFrame) {
        if (video == null) {
            return;
        }
        int plane = resolution * resolution, t = clipFrames + 1;
        float[] rgb = new float[3 * plane];
        for (int k = 0; k < clipFrames; k++) {
            frameAt((offsetFrames + firstFrame + k) * interval, rgb);
            for (int ch = 0; ch < 3; ch++) {
                pixels.put((ch * t + 1 + k) * plane, rgb, ch * plane, plane);
                if (k == 0) {
                    pixels.put(ch * t * plane, rgb, ch * plane, plane);
                }
            }
        }
        ctx.trace.clip(clip, "pose_frames", framesFirst(), "[f, RGB, y, x], 0..1: the pose video's frames for the clip");
        if (chunks == null) {
            encode.run(clip);
        } else {
            chunks.encode(pixels, encoded, clip);
        }
        // the repeated first frame's latent goes; the clip's n remain
        VaeChunks.copyFrames(encoded, 1, latents, 0, (int) latents.shape()[2]);
    }

    /** The clip's frames as {@code [f, 3, R, R]}, for the trace. */
    private FloatTensor framesFirst() {
        if (!ctx.trace.on()) {
            return pixels;
        }
        int plane = resolution * resolution, t = clipFrames + 1;
        FloatTensor out = FloatTensor.zeros(clipFrames, 3, resolution, resolution);
        float[] one = new float[plane];
        for (int k = 0; k < clipFrames; k++) {
            for (int ch = 0; ch < 3; ch++) {
                pixels.get((ch * t + 1 + k) * plane, one, 0, plane);
                out.put((k * 3 + ch) * plane, one, 0, plane);
            }
        }
        return out;
    }

    /** Video frame {@code index} as [3][R][R] in [0, 1]; black past the video's end. */
    private void frameAt(long index, float[] out) {
        try {
            while (nextVideoFrame <= index && (current = video.next()) != null) {
                nextVideoFrame++;
                frame = null;
            }
        } catch (IOException e) {
            throw new InvalidInputException("pose: " + e.getMessage(), e);
        }
        if (current == null || nextVideoFrame <= index) {
            java.util.Arrays.fill(out, 0f);
            current = null;
            return;
        }
        int w = video.width(), h = video.height(), side = Math.min(w, h), x0 = (w - side) / 2, y0 = (h - side) / 2;
        int plane = resolution * resolution;
        if (side == resolution) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int p = current[(y0 + y) * w + x0 + x], i = y * side + x;
                    out[i] = ((p >> 16) & 0xff) / 255f;
                    out[plane + i] = ((p >> 8) & 0xff) / 255f;
                    out[2 * plane + i] = (p & 0xff) / 255f;
                }
            }
            return;
        }
        if (frame == null) {
            frame = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            frame.setRGB(0, 0, w, h, current, 0, w);
        }
        FaceCrop crop = new FaceCrop(new FaceBox(x0, y0, side, side), x0, y0, side, resolution);
        System.arraycopy(crop.extract(frame), 0, out, 0, 3 * plane);
    }
}
