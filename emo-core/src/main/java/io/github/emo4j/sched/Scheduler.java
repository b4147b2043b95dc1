package io.github.emo4j.sched;

/**
 * A diffusion sampling algorithm, configured once (from a diffusers {@code scheduler_config.json}) and
 * shared: it is immutable and thread-safe. Each trajectory gets its own {@link Sampler}, which holds
 * whatever state a multistep method needs.
 */
public interface Scheduler {

    /** A sampler for one trajectory of {@code steps} steps; deterministic schedulers ignore the seed. */
    Sampler sampler(int steps, long seed);

    /** A sampler with seed 0. */
    default Sampler sampler(int steps) {
        return sampler(steps, 0);
    }

    /** The diffusers class name this scheduler implements, e.g. {@code DDIMScheduler}. */
    String className();
}
