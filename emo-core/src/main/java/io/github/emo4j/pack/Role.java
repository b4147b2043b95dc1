package io.github.emo4j.pack;

import java.util.Locale;

/**
 * The part a network plays in an EMO-class pipeline. Each role has a fixed set of tensor names the
 * pipeline binds; a pack's manifest maps each role to its ONNX file and declares those tensors. Which
 * roles a pack must have, its {@link PackFamily} says; those marked optional here are optional in every
 * family.
 */
public enum Role {
    /** Pixels in [0, 1] to latents. */
    VAE_ENCODER,
    /** Latents to pixels in [0, 1]. */
    VAE_DECODER,
    /**
     * Optional, flow family: a causal VAE's encoder for the video's first frame, when the VAE is exported
     * one latent frame at a time ({@link ChunkedVae}); {@link #VAE_ENCODER} then encodes four frames a call.
     */
    VAE_ENCODER_FIRST,
    /**
     * Optional, flow family: a causal VAE's decoder for the first latent frame, when the VAE is exported one
     * latent frame at a time ({@link ChunkedVae}); {@link #VAE_DECODER} then decodes one latent frame a call.
     */
    VAE_DECODER_FIRST,
    /** Audio features to per-feature-frame audio embeddings. */
    AUDIO_ENCODER,
    /** The portrait's latents to the reference features the denoiser attends to; run once per render. */
    REFERENCE_NET,
    /** The face-region mask to mask features. */
    FACE_LOCATOR,
    /** Noisy latents plus all conditions to the predicted noise (or, in the flow family, the flow). */
    DENOISING_UNET,
    /**
     * Optional: the denoiser of the first clip, when that is another graph. Wan2.2-S2V drops the first
     * clip's motion frames ({@code drop_first_motion}): its first-clip graph has no motion tokens and
     * takes no {@code motion_latents}. Same tensors as {@link #DENOISING_UNET}.
     */
    FIRST_CLIP_DENOISER,
    /** Optional: each frame's audio window to audio tokens, run per clip (Hallo's audio_proj). */
    AUDIO_PROJECTION,
    /** Optional: a portrait to face boxes, used instead of the built-in detector. */
    FACE_DETECTOR,
    /** Optional: the face to an identity embedding, once per render (Hallo's face embedding). */
    IMAGE_ENCODER,
    /** Optional: the identity embedding to the tokens the denoiser attends to (Hallo's image_proj). */
    IMAGE_PROJECTION,
    /** Optional: each frame's wanted head speed to the speed layers' embedding, per clip (EMO). */
    SPEED_ENCODER,
    /** Optional: the voice separated from music before the audio encoder sees it (Hallo's vocal separator). */
    VOCAL_SEPARATOR,
    /**
     * Optional: a prompt's token ids to the denoiser's {@code text_context} (Wan's umT5 encoder), once per
     * render; the pack's tokenizer ({@link TextEncoding}) makes the ids.
     */
    TEXT_ENCODER;

    /** The manifest key: {@code vae_encoder}, {@code denoising_unet}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromKey(String key) {
        for (Role r : values()) {
            if (r.key().equals(key)) {
                return r;
            }
        }
        return null;
    }
}
