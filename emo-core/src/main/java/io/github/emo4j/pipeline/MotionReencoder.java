package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import java.util.List;

/**
 * The motion frames a ReferenceNet sees, as Hallo makes them: each clip, the last k frames of the
 * previous clip's latents decoded to pixels and encoded again; before the first clip, the portrait or
 * zeros.
 */
final class MotionReencoder {
    private final int k;
    private final int c;
    private final int plane;
    private final float latentScaling;
    private final FloatTensor portraitLatents;
    private final FloatTensor decodeIn;
    /** The k frames' latents, {@code [k, C, h, w]}, scaled as the denoiser sees latents. */
    final FloatTensor latents;
    private final ComponentCall decode;
    private final ComponentCall encode;

    MotionReencoder(ModelPack pack, List<AutoCloseable> views, OrtClock clock, FloatTensor portraitLatents) throws OrtException {
        PackSettings s = pack.settings();
        this.k = s.referenceMotionFrames();
        this.c = s.latentChannels();
        int h = s.latentSize(), r = s.resolution();
        this.plane = h * h;
        this.latentScaling = (float) s.latentScaling();
        this.portraitLatents = portraitLatents;
        latents = FloatTensor.zeros(Math.max(1, k), c, h, h);
        decodeIn = FloatTensor.zeros(Math.max(1, k), c, h, h);
        FloatTensor pixels = FloatTensor.zeros(Math.max(1, k), 3, r, r);
        decode = new ComponentCall(pack.component(Role.VAE_DECODER), views, clock).input(Contract.LATENTS, decodeIn)
                .output(Contract.PIXELS, pixels);
        encode = new ComponentCall(pack.component(Role.VAE_ENCODER), views, clock).input(Contract.PIXELS, pixels)
                .output(Contract.LATENTS, latents);
    }

    /**
     * Fills {@link #latents} for {@code clip}: from the last k frames of {@code previous} ([1, C, F, H, W],
     * the previous clip's result), or for the first clip from the portrait or zeros.
     */
    void update(int clip, FloatTensor previous, boolean firstIsReference) {
        if (k == 0) {
            return;
        }
        if (clip == 0) {
            if (firstIsReference) {
                for (int j = 0; j < k; j++) {
                    latents.copyFrom(portraitLatents, j * portraitLatents.size());
                }
            } else {
                latents.fill(0f);
            }
            return;
        }
        int f = (int) previous.shape()[2];
        var src = previous.buffer();
        var dst = decodeIn.buffer();
        for (int j = 0; j < k; j++) {
            for (int ch = 0; ch < c; ch++) {
                dst.put((j * c + ch) * plane, src, (ch * f + f - k + j) * plane, plane);
            }
        }
        if (latentScaling != 1f) {
            decodeIn.scale(1f / latentScaling);
        }
        decode.run(clip);
        encode.run(clip);
        if (latentScaling != 1f) {
            latents.scale(latentScaling);
        }
    }
}
