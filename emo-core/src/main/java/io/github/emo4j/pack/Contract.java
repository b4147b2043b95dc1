package io.github.emo4j.pack;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** A flow sampler's σ at the step, for a denoiser that takes it besides the timestep (which may be truncated). */
    public static final String SIGMA = "sigma";
    /** The prompt's embeddings (umT5's for Wan), per guidance branch: the negative prompt's in the unconditional one. */
    public static final String TEXT_CONTEXT = "text_context";
    /**
     * The timestep's sinusoid, {@code [1, 2H]}: cos(t·f_k) for k &lt; H, then sin(t·f_k), f_k = 10000^(−k/H),
     * computed in float64 as Wan does; for a graph exported without double-precision Cos and Sin.
     */
    public static final String TIMESTEP_SINUSOID = "timestep_sinusoid";
    public static final String AUDIO_WINDOWS = "audio_windows";
    public static final String MOTION_LATENTS = "motion_latents";
    /** A pose video's latents for the clip ([1, C, n, h, w], Wan2.2-S2V's cond_states), the same in every branch; zeros without one. */
    public static final String POSE_LATENTS = "pose_latents";
    public static final String FRAME_TIME = "frame_time";
    public static final String MOTION_SCALE = "motion_scale";
    /** EMO's speed-layer condition: the wanted head speed per frame (the pose strength); models bucket it. */
    public static final String HEAD_SPEED = "head_speed";
    public static final String NOISE_PRED = "noise_pred";
    public static final String IMAGE = "image";
    /** The face box region, square, RGB in [0, 1]: the image encoder's input. */
    public static final String FACE_IMAGE = "face_image";
    /** The vocal separator's input and output: waveform chunks at the separator's rate. */
    public static final String MIXTURE = "mixture";
    public static final String VOCALS = "vocals";
    public static final String BOXES = "boxes";
    /** A prompt's token ids, {@code [1, L]} int64, padded after its last token. */
    public static final String INPUT_IDS = "input_ids";
    /** 1 over the prompt's tokens and 0 over the padding, {@code [1, L]} int64. */
    public static final String ATTENTION_MASK = "attention_mask";

    record Io(Set<String> requiredInputs, Set<String> optionalInputs, Set<String> outputs) {
    }

    private static final Pattern MASK_LEVEL = Pattern.compile("(full|face|lip)_mask_([0-3])");

    /** Whether {@code name} is one of the per-level masks the pipeline makes (Hallo's full, face and lip masks). */
    public static boolean isMaskLevel(String name) {
        return MASK_LEVEL.matcher(name).matches();
    }

    /** Level of a mask input: its side is the latent side divided by 2^level. */
    public static int maskLevel(String name) {
        Matcher m = MASK_LEVEL.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " is not a mask level");
        }
        return Integer.parseInt(m.group(2));
    }

    /** Which mask a mask-level input asks for: full, face or lip. */
    public static String maskKind(String name) {
        Matcher m = MASK_LEVEL.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " is not a mask level");
        }
        return m.group(1);
    }

    // the step reaches the denoiser as its timestep, the timestep's sinusoid or σ: at least one (ModelPack)
    private static final Io DENOISER = new Io(Set.of(SAMPLE),
            Set.of(TIMESTEP, REFERENCE_FEATURES, AUDIO_WINDOWS, MASK_FEATURES, MOTION_LATENTS, FRAME_TIME, MOTION_SCALE,
                    HEAD_SPEED, REFERENCE_LATENTS, SIGMA, TEXT_CONTEXT, TIMESTEP_SINUSOID, POSE_LATENTS),
            Set.of(NOISE_PRED));

    static final Map<Role, Io> ROLES = Map.ofEntries(
            Map.entry(Role.VAE_ENCODER, new Io(Set.of(PIXELS), Set.of(), Set.of(LATENTS))),
            Map.entry(Role.VAE_DECODER, new Io(Set.of(LATENTS), Set.of(), Set.of(PIXELS))),
            // a VAE in chunks: caches X besides, each given back as X_next (ChunkedVae)
            Map.entry(Role.VAE_ENCODER_FIRST, new Io(Set.of(PIXELS), Set.of(), Set.of(LATENTS))),
            Map.entry(Role.VAE_DECODER_FIRST, new Io(Set.of(LATENTS), Set.of(), Set.of(PIXELS))),
            Map.entry(Role.AUDIO_ENCODER, new Io(Set.of(AUDIO), Set.of(), Set.of(AUDIO_FEATURES))),
            // reference_net and face_locator outputs are free-form: the denoiser takes them by name
            Map.entry(Role.REFERENCE_NET, new Io(Set.of(REFERENCE_LATENTS), Set.of(), Set.of())),
            Map.entry(Role.FACE_LOCATOR, new Io(Set.of(FACE_MASK), Set.of(), Set.of())),
            Map.entry(Role.DENOISING_UNET, DENOISER),
            Map.entry(Role.FIRST_CLIP_DENOISER, DENOISER),
            Map.entry(Role.FACE_DETECTOR, new Io(Set.of(IMAGE), Set.of(), Set.of(BOXES))),
            Map.entry(Role.AUDIO_PROJECTION, new Io(Set.of(AUDIO_WINDOWS), Set.of(), Set.of())),
            Map.entry(Role.IMAGE_ENCODER, new Io(Set.of(FACE_IMAGE), Set.of(), Set.of())),
            // image_projection takes image_encoder's outputs by name
            Map.entry(Role.IMAGE_PROJECTION, new Io(Set.of(), Set.of(), Set.of())),
            Map.entry(Role.SPEED_ENCODER, new Io(Set.of(HEAD_SPEED), Set.of(), Set.of())),
            Map.entry(Role.VOCAL_SEPARATOR, new Io(Set.of(MIXTURE), Set.of(), Set.of(VOCALS))),
            // [1, L, D]: the rows past the prompt's tokens are zeroed after the run, as Wan cuts them off
            Map.entry(Role.TEXT_ENCODER, new Io(Set.of(INPUT_IDS), Set.of(ATTENTION_MASK), Set.of(TEXT_CONTEXT))));

    /** Roles whose outputs are free-form and reach other components by name. */
    static final List<Role> PRODUCERS = List.of(Role.IMAGE_ENCODER, Role.IMAGE_PROJECTION, Role.REFERENCE_NET,
            Role.FACE_LOCATOR, Role.AUDIO_PROJECTION, Role.SPEED_ENCODER);

    /**
     * Which producers' outputs a role may take as extra inputs: the denoiser takes everything, the
     * ReferenceNet the identity tokens (Hallo's reference UNet attends to them), the projection the
     * encoder's embedding.
     */
    static List<Role> feeding(Role consumer) {
        return switch (consumer) {
            case DENOISING_UNET, FIRST_CLIP_DENOISER -> PRODUCERS;
            case REFERENCE_NET -> List.of(Role.IMAGE_ENCODER, Role.IMAGE_PROJECTION);
            case IMAGE_PROJECTION -> List.of(Role.IMAGE_ENCODER);
            default -> List.of();
        };
    }
}
