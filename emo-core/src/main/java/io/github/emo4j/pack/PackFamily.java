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
            Role.FACE_LOCATOR, Role.DENOISING_UNET), 1, Schedulers.DIFFUSION);

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
