package io.github.emo4j.pack;

import io.github.emo4j.PackException;
import io.github.emo4j.sched.SchedulerRegistry;
import io.github.emo4j.sched.Schedulers;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A family of packs: one layout of emo4j's contract, named by the manifest's {@code family}. A family
 * declares the roles its packs must have, how their latents are laid out, and the samplers they run.
 * The pipeline's stages are the same for every family; what differs is declared here.
 */
public enum PackFamily {
    /**
     * EMO and its open relatives (Hallo, EchoMimic): a UNet denoising per-frame SD latents, with a
     * ReferenceNet and a face locator, sampled by denoising-diffusion schedulers.
     */
    UNET("unet", EnumSet.of(Role.VAE_ENCODER, Role.VAE_DECODER, Role.AUDIO_ENCODER, Role.REFERENCE_NET,
            Role.FACE_LOCATOR, Role.DENOISING_UNET), 1, Schedulers.DIFFUSION),
    /**
     * Today's audio-driven video transformers (Wan2.2-S2V and the Wan2.1-audio models): a denoiser that
     * predicts the flow over the latents of a causal 3-D VAE (four frames a latent frame), conditioned on
     * the portrait's latent, the latents of the last motion frames re-encoded every clip, and the
     * per-frame audio; sampled by flow-matching schedulers. Its {@code denoising_unet} role is the
     * transformer. Clips are decoded after a context latent (the portrait's for the first clip, the
     * motion latents after), so a clip of f frames is f / 4 latent frames.
     */
    FLOW("flow", EnumSet.of(Role.VAE_ENCODER, Role.VAE_DECODER, Role.AUDIO_ENCODER, Role.DENOISING_UNET), 4,
            Schedulers.FLOW);

    private final String key;
    private final Set<Role> required;
    private final int temporalCompression;
    private final SchedulerRegistry schedulers;

    PackFamily(String key, Set<Role> required, int temporalCompression, SchedulerRegistry schedulers) {
        this.key = key;
        this.required = Set.copyOf(required);
        this.temporalCompression = temporalCompression;
        this.schedulers = schedulers;
    }

    /** The manifest's name for it. */
    public String key() {
        return key;
    }

    /** Whether every pack of this family has a component in {@code role}. */
    public boolean requires(Role role) {
        return required.contains(role);
    }

    /** The samplers this family's packs run. */
    public SchedulerRegistry schedulers() {
        return schedulers;
    }

    /** Frames one latent frame holds: 1, or 4 for a causal 3-D VAE. */
    public int temporalCompression() {
        return temporalCompression;
    }

    /**
     * Checks what this family asks of a pack's settings: a causal 3-D VAE's clips are whole latent frames
     * and its motion frames one frame plus whole latent frames.
     *
     * @throws PackException naming the setting and {@code source}
     */
    public void check(PackSettings settings, String source) {
        int t = temporalCompression;
        if (t == 1) {
            return;
        }
        if (settings.clipFrames() % t != 0) {
            throw new PackException(source + ": settings.clip_frames " + settings.clipFrames() + " must be a multiple of "
                    + t + " in the " + key + " family (" + t + " frames a latent frame)");
        }
        if (settings.motionFrames() % t != 1) {
            throw new PackException(source + ": settings.motion_frames " + settings.motionFrames() + " must be " + t
                    + "k + 1 in the " + key + " family (the causal VAE's first frame, then " + t + " a latent frame)");
        }
        if (settings.contextOverlap() > 0 || settings.referenceMotionFrames() > 0) {
            throw new PackException(source + ": settings.context_overlap and reference_motion_frames are UNet-family "
                    + "settings; the " + key + " family carries motion latents from clip to clip");
        }
    }

    /** How latents of a pack with {@code settings} are laid out. */
    public LatentLayout latentLayout(PackSettings settings) {
        return new LatentLayout(settings.latentChannels(), temporalCompression, settings.latentSize(), settings.latentSize());
    }

    /** The family named {@code key}; {@code source} names the manifest in the error. */
    public static PackFamily fromKey(String key, String source) {
        for (PackFamily f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        throw new PackException(source + ": unknown pack family '" + key + "' (this version knows: "
                + String.join(", ", Arrays.stream(values()).map(PackFamily::key).toList()) + ")");
    }
}
