package io.github.emo4j.pack;

import java.util.Map;
import java.util.Set;

/**
 * The tensor names the pipeline binds for each role. A component must declare every required input
 * and output of its role and may declare optional ones; anything else is an error at load time.
 */
public final class Contract {
    private Contract() {
    }

    public static final String PIXELS = "pixels";
    public static final String LATENTS = "latents";
    public static final String AUDIO = "audio";
    public static final String AUDIO_FEATURES = "audio_features";
    public static final String REFERENCE_LATENTS = "reference_latents";
    public static final String REFERENCE_FEATURES = "reference_features";
    public static final String FACE_MASK = "face_mask";
    public static final String MASK_FEATURES = "mask_features";
    public static final String SAMPLE = "sample";
    public static final String TIMESTEP = "timestep";
    public static final String AUDIO_WINDOWS = "audio_windows";
    public static final String MOTION_LATENTS = "motion_latents";
    public static final String FRAME_TIME = "frame_time";
    public static final String MOTION_SCALE = "motion_scale";
    public static final String NOISE_PRED = "noise_pred";
    public static final String IMAGE = "image";
    public static final String BOXES = "boxes";

    record Io(Set<String> requiredInputs, Set<String> optionalInputs, Set<String> outputs) {
    }

    static final Map<Role, Io> ROLES = Map.of(
            Role.VAE_ENCODER, new Io(Set.of(PIXELS), Set.of(), Set.of(LATENTS)),
            Role.VAE_DECODER, new Io(Set.of(LATENTS), Set.of(), Set.of(PIXELS)),
            Role.AUDIO_ENCODER, new Io(Set.of(AUDIO), Set.of(), Set.of(AUDIO_FEATURES)),
            Role.REFERENCE_NET, new Io(Set.of(REFERENCE_LATENTS), Set.of(), Set.of(REFERENCE_FEATURES)),
            Role.FACE_LOCATOR, new Io(Set.of(FACE_MASK), Set.of(), Set.of(MASK_FEATURES)),
            Role.DENOISING_UNET, new Io(Set.of(SAMPLE, TIMESTEP),
                    Set.of(REFERENCE_FEATURES, AUDIO_WINDOWS, MASK_FEATURES, MOTION_LATENTS, FRAME_TIME, MOTION_SCALE),
                    Set.of(NOISE_PRED)),
            Role.FACE_DETECTOR, new Io(Set.of(IMAGE), Set.of(), Set.of(BOXES)));
}
