package io.github.emo4j.sched;

/**
 * What every sampling algorithm reads alike from a diffusers configuration: the training noise
 * schedule, where the inference steps fall on it ({@code timestep_spacing}, {@code steps_offset}) and
 * what the model predicts ({@code prediction_type}).
 */
record Stepping(NoiseSchedule schedule, String spacing, int stepsOffset, Prediction prediction) {

    /** Reads the keys, with {@code defaultSpacing} where the configuration names no spacing. */
    static Stepping read(SchedulerConfig c, String defaultSpacing) {
        NoiseSchedule schedule = c.schedule();
        return new Stepping(schedule, c.string("timestep_spacing", defaultSpacing),
                c.integer("steps_offset", 0, 0, schedule.trainSteps()), Prediction.from(c));
    }

    /** The timesteps of {@code steps} inference steps, from the noisiest; see {@link Spacing#timesteps}. */
    double[] timesteps(int steps, boolean roundLinspace) {
        return Spacing.timesteps(spacing, steps, schedule.trainSteps(), stepsOffset, roundLinspace);
    }
}
