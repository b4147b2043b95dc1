package io.github.emo4j.pack;

import java.util.Locale;

/**
 * The part a network plays in an EMO-class pipeline. Each role has a fixed set of tensor names the
 * pipeline binds; a pack's manifest maps each role to its ONNX file and declares those tensors.
 */
public enum Role {
    /** Pixels in [0, 1] to latents. */
    VAE_ENCODER(true),
    /** Latents to pixels in [0, 1]. */
    VAE_DECODER(true),
    /** Audio features to per-feature-frame audio embeddings. */
    AUDIO_ENCODER(true),
    /** The portrait's latents to the reference features the denoiser attends to; run once per render. */
    REFERENCE_NET(true),
    /** The face-region mask to mask features. */
    FACE_LOCATOR(true),
    /** Noisy latents plus all conditions to the predicted noise. */
    DENOISING_UNET(true),
    /** Optional: each frame's audio window to audio tokens, run per clip (Hallo's audio_proj). */
    AUDIO_PROJECTION(false),
    /** Optional: a portrait to face boxes, used instead of the built-in detector. */
    FACE_DETECTOR(false),
    /** Optional: the face to an identity embedding, once per render (Hallo's face embedding). */
    IMAGE_ENCODER(false),
    /** Optional: the identity embedding to the tokens the denoiser attends to (Hallo's image_proj). */
    IMAGE_PROJECTION(false),
    /** Optional: each frame's wanted head speed to the speed layers' embedding, per clip (EMO). */
    SPEED_ENCODER(false),
    /** Optional: the voice separated from music before the audio encoder sees it (Hallo's vocal separator). */
    VOCAL_SEPARATOR(false);

    private final boolean required;

    Role(boolean required) {
        this.required = required;
    }

    public boolean required() {
        return required;
    }

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
