package io.github.emo4j.pack;

/**
 * How a pack's VAE lays a clip out in latent space: channels, how many video frames one latent frame
 * holds, and the latent frame's sides.
 *
 * @param channels            latent channels (SD's VAE: 4; Wan's: 16 or 48)
 * @param temporalCompression video frames per latent frame: 1 for a per-frame image VAE; 4 for a causal
 *                            3-D VAE, whose first latent frame holds the first video frame alone
 * @param height              latent rows
 * @param width               latent columns
 */
public record LatentLayout(int channels, int temporalCompression, int height, int width) {

    /** Checks the sizes. */
    public LatentLayout {
        if (channels < 1 || temporalCompression < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("latent layout sizes must be positive: " + channels + " channels, "
                    + temporalCompression + " frames per latent frame, " + height + " × " + width);
        }
    }

    /** Latent frames for {@code videoFrames} frames: one each, or for a causal VAE {@code 1 + (n - 1) / t}. */
    public int latentFrames(int videoFrames) {
        return temporalCompression == 1 ? videoFrames : 1 + (videoFrames - 1) / temporalCompression;
    }

    /**
     * Latent frames of a clip of {@code videoFrames} frames: one each, or for a causal VAE
     * {@code videoFrames / t}, since a clip is decoded after a context latent that stands for the frame
     * before it (the portrait, or the last motion frame).
     */
    public int clipLatentFrames(int videoFrames) {
        return temporalCompression == 1 ? videoFrames : videoFrames / temporalCompression;
    }

    /** Video frames a decoder makes of {@code latentFrames}: one each, or for a causal VAE {@code 1 + t (n - 1)}. */
    public int videoFrames(int latentFrames) {
        return temporalCompression == 1 ? latentFrames : 1 + temporalCompression * (latentFrames - 1);
    }

    /** The shape of one clip's latents, {@code [1, C, F', H, W]}, for a clip of {@code videoFrames} frames. */
    public long[] clipShape(int videoFrames) {
        return new long[] {1, channels, clipLatentFrames(videoFrames), height, width};
    }
}
