package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * The portrait's identity, once per render: identity tokens from the face (packs with an image encoder),
 * the portrait's latents, and the ReferenceNet's feature banks that reference attention reads; then the
 * face locator's features. For packs that pass motion frames through the ReferenceNet, it also prepares
 * the per-clip pass ({@link ReferenceMotion}).
 *
 * @param portraitLatents the portrait crop's latents, scaled as the denoiser sees latents
 * @param motion          the per-clip ReferenceNet pass ({@link ReferenceMotion} or {@link JointReference}),
 *                        or {@code null} when the pack has none
 */
record ReferenceStage(FloatTensor portraitLatents, ClipReference motion) {

    /** Runs the once-per-render networks for clips of {@code clipFrames}; their outputs land in {@code produced}. */
    static ReferenceStage run(ModelPack pack, ProducedTensors produced, PortraitFraming framing, BufferedImage portrait,
                              int branches, int clipFrames, RenderContext ctx) throws OrtException {
        PackSettings s = pack.settings();
        if (pack.has(Role.IMAGE_ENCODER)) {
            TensorSpec faceImage = pack.component(Role.IMAGE_ENCODER).spec().input(Contract.FACE_IMAGE);
            long side = faceImage.rank() == 4 ? faceImage.dim(3) : -1;
            FloatTensor image = ctx.given.take(Contract.FACE_IMAGE, new long[] {1, 3, side, side});
            image = image != null ? image : faceImage(portrait, framing.face(), faceImage, pack.source());
            ctx.trace.render(Contract.FACE_IMAGE, image, "[1, RGB, y, x], 0..1: image_encoder input");
            produced.run(Role.IMAGE_ENCODER, Map.of(Contract.FACE_IMAGE, image), 1);
        }
        if (pack.has(Role.IMAGE_PROJECTION)) {
            produced.run(Role.IMAGE_PROJECTION, Map.of(), 1);
        }
        boolean video = pack.manifest().family().temporalCompression() > 1;
        FloatTensor latents = encodePortrait(pack, framing.referencePixels(), video, ctx);
        ctx.trace.render(Contract.REFERENCE_LATENTS, latents, video ? "[1, C, 1, h, w]: the portrait's latent, scaled"
                : "[1, C, h, w]: the portrait's latents, scaled");
        // a denoiser may take the portrait's latents themselves (the flow family's reference)
        produced.provide(Contract.REFERENCE_LATENTS, latents);
        if (!s.jointReference() && pack.has(Role.REFERENCE_NET)) {
            produced.run(Role.REFERENCE_NET, Map.of(Contract.REFERENCE_LATENTS, latents), 1);
        }
        if (pack.has(Role.FACE_LOCATOR)) {
            FaceLocatorStage.run(pack, produced, framing.crop(), clipFrames, ctx);
        }
        ClipReference motion = s.jointReference() ? new JointReference(pack, produced, ctx, latents, branches)
                : s.referenceMotionFrames() > 0
                ? new ReferenceMotion(pack, produced, ctx.views, ctx.clock, ctx.trace, latents, branches) : null;
        return new ReferenceStage(latents, motion);
    }

    /**
     * The VAE encoder's latents of the portrait crop, times the pack's latent scaling: an image's, or
     * with a {@code video} VAE a one-frame video's ({@code [1, 3, 1, H, W]} to {@code [1, C, 1, h, w]}).
     */
    private static FloatTensor encodePortrait(ModelPack pack, float[] pixels, boolean video, RenderContext ctx)
            throws OrtException {
        PackSettings s = pack.settings();
        int r = s.resolution(), h = s.latentSize();
        FloatTensor latents = video ? FloatTensor.zeros(1, s.latentChannels(), 1, h, h) : FloatTensor.zeros(1, s.latentChannels(), h, h);
        // a VAE in chunks encodes a one-frame video with its first-chunk graph alone
        Role encoder = video && pack.has(Role.VAE_ENCODER_FIRST) ? Role.VAE_ENCODER_FIRST : Role.VAE_ENCODER;
        new ComponentCall(pack.component(encoder), ctx.views, ctx.clock)
                .input(Contract.PIXELS, video ? FloatTensor.of(pixels, 1, 3, 1, r, r) : FloatTensor.of(pixels, 1, 3, r, r))
                .output(Contract.LATENTS, latents).run();
        float scaling = (float) s.latentScaling();
        if (scaling != 1f) {
            latents.scale(scaling);
        }
        return latents;
    }

    /**
     * The image encoder's input: a square around the face box, 1.2 times its larger side (the margin
     * face-recognition crops keep), resampled to the side the manifest declares, RGB in [0, 1].
     */
    private static FloatTensor faceImage(BufferedImage portrait, FaceBox face, TensorSpec spec, String source) {
        long side = spec.rank() == 4 ? spec.dim(3) : -1;
        if (side <= 0 || spec.dim(2) != side || spec.dim(1) != 3) {
            throw new PackException(source + ": image_encoder input 'face_image' must be [1, 3, S, S] "
                    + "with S fixed, not " + spec.shape());
        }
        double span = 1.2 * Math.max(face.width(), face.height());
        FaceCrop crop = new FaceCrop(face, face.centerX() - span / 2, face.centerY() - span / 2, span, (int) side);
        return FloatTensor.of(crop.extract(portrait), 1, 3, side, side);
    }
}
