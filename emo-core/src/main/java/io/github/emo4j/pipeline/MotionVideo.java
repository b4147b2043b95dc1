package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.LatentLayout;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;

/**
 * The flow family's motion frames, as Wan2.2-S2V keeps them: the last N frames of the video so far, in
 * pixels, encoded again by the causal 3-D VAE after every clip into 1 + (N − 1)/4 motion latents. Before
 * the first clip the frames are zeros in the VAE's [−1, 1] range (S2V's; mid-grey here), or the portrait repeated ({@code first_motion:
 * "reference"}). Re-encoding the pixels, not keeping latents, is what the model was trained on: a causal
 * VAE's latents of a window depend on the frames before it.
 */
final class MotionVideo {
    private final int frames;
    /** The last N frames, {@code [1, 3, N, H, W]}, RGB in [0, 1]. */
    private final FloatTensor pixels;
    private final float latentScaling;
    /** Their latents, {@code [1, C, 1 + (N − 1)/4, h, w]}, scaled as the denoiser sees latents. */
    final FloatTensor latents;
    private final ComponentCall encode;
    /** The encoder in chunks ({@link VaeChunks}), or {@code null}. */
    private final VaeChunks chunks;

    /** The motion frames, encoded by the pack's VAE encoder, or by {@code chunks} when the VAE is in chunks. */
    MotionVideo(ModelPack pack, LatentLayout layout, float[] portrait, VaeChunks chunks, RenderContext ctx)
            throws OrtException {
        PackSettings s = pack.settings();
        int r = s.resolution();
        this.frames = s.motionFrames();
        int plane = r * r;
        this.latentScaling = (float) s.latentScaling();
        // the pixels are filled below, the latents by the encode at the end of this constructor
        pixels = ctx.tensors.unfilled(1, 3, frames, r, r);
        latents = ctx.tensors.unfilled(1, layout.channels(), layout.latentFrames(frames), layout.height(), layout.width());
        if (s.firstMotionIsReference()) {
            for (int ch = 0; ch < 3; ch++) {
                for (int k = 0; k < frames; k++) {
                    pixels.put((ch * frames + k) * plane, portrait, ch * plane, plane);
                }
            }
        } else {
            // S2V's zeros are zeros of the VAE's [-1, 1] pixels: mid-grey in emo4j's [0, 1]
            pixels.fill(0.5f);
        }
        this.chunks = chunks;
        if (chunks != null) {
            encode = null;
        } else {
            encode = new ComponentCall(pack.component(Role.VAE_ENCODER), ctx.views, ctx.clock)
                    .input(Contract.PIXELS, pixels).output(Contract.LATENTS, latents);
        }
        encode(-1);
    }

    /**
     * Appends frames {@code from .. from + count − 1} of {@code decoded} ({@code [1, 3, T, H, W]}) and keeps
     * the last N; {@link #encode} then encodes them.
     */
    void append(FloatTensor decoded, int from, int count) {
        int shift = Math.min(count, frames);
        // the frames that stay move to the front (a copy towards lower indices, as a forward loop would);
        // the newest fill the end
        VaeChunks.copyFrames(pixels, shift, pixels, 0, frames - shift);
        VaeChunks.copyFrames(decoded, from + count - shift, pixels, frames - shift, shift);
    }

    /** Encodes the motion frames for clip {@code clip} (-1: before the first). */
    void encode(int clip) {
        if (chunks == null) {
            encode.run(clip);
        } else {
            chunks.encode(pixels, latents, clip);
        }
        if (latentScaling != 1f) {
            latents.scale(latentScaling);
        }
    }
}
