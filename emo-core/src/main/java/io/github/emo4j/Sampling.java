package io.github.emo4j;

/**
 * How a render samples each clip: steps, guidance, the sampling algorithm and the seed. A part of a
 * {@link RenderRequest}, read with {@link RenderRequest#sampling()} and set through
 * {@link RenderRequest.Builder}. Immutable.
 */
public final class Sampling {
    static final Sampling DEFAULTS = new Sampling(0, Double.NaN, Double.NaN, 0, null, 42);

    private final int steps;
    private final double guidance;
    private final double referenceGuidance;
    private final double guidanceRescale;
    private final String scheduler;
    private final long seed;

    Sampling(int steps, double guidance, double referenceGuidance, double guidanceRescale, String scheduler, long seed) {
        this.steps = steps;
        this.guidance = guidance;
        this.referenceGuidance = referenceGuidance;
        this.guidanceRescale = guidanceRescale;
        this.scheduler = scheduler;
        this.seed = seed;
    }

    /**
     * Sampling steps per clip.
     *
     * @return 1 to 1000, or 0 for the pack's default
     */
    public int steps() {
        return steps;
    }

    /**
     * The classifier-free guidance scale; 1 or less skips the unconditional pass.
     *
     * @return 0 to 50, or {@code NaN} for the pack's default
     */
    public double guidance() {
        return guidance;
    }

    /**
     * Separate reference and audio guidance, as V-Express and Hallo use it: three branches (neither,
     * reference only, both) combined as {@code uncond + ref·(refOnly − uncond) + guidance·(full − refOnly)}.
     *
     * @return the reference scale, 0 to 50, or {@code NaN} for plain guidance
     */
    public double referenceGuidance() {
        return referenceGuidance;
    }

    /**
     * Guidance rescale φ (Lin et al., 2023): above 0 the guided noise is pulled back towards the
     * conditional prediction's standard deviation, which tames over-saturation at high guidance.
     *
     * @return φ, 0 (plain guidance) to 1
     */
    public double guidanceRescale() {
        return guidanceRescale;
    }

    /**
     * The sampling algorithm on the pack's noise schedule.
     *
     * @return one of {@link RenderRequest#SCHEDULERS}, or {@code null} for the pack's own
     */
    public String scheduler() {
        return scheduler;
    }

    /**
     * The seed of the initial noise; the same seed gives the same video.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "Sampling[steps=" + steps + ", guidance=" + guidance + ", referenceGuidance=" + referenceGuidance
                + ", guidanceRescale=" + guidanceRescale + ", scheduler=" + scheduler + ", seed=" + seed + "]";
    }
}
