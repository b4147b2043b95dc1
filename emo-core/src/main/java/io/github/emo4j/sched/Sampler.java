package io.github.emo4j.sched;

import java.nio.FloatBuffer;

/**
 * One sampling trajectory. The loop is: for each {@code i}, run the model on {@code sample} (scaled by
 * {@link #inputScale(int)}) at {@code timesteps()[i]}, then {@link #step} updates {@code sample} in place.
 * No buffer of the sample's size is allocated per step (a chunk of a few kilobytes may be).
 */
public interface Sampler {

    /**
     * The model timesteps, first to last, as diffusers computes them (fractional for some schedules);
     * networks with an integer timestep input take them rounded.
     */
    double[] timesteps();

    /**
     * The noise levels of the steps and the one after the last, for samplers that step in sigma
     * (flow matching); empty for those that do not say.
     */
    default double[] sigmas() {
        return new double[0];
    }

    /** Standard deviation of the initial noise. */
    float initNoiseSigma();

    /** Factor the model's input is multiplied by at step {@code i} (diffusers' {@code scale_model_input}). */
    float inputScale(int i);

    /**
     * Advances {@code sample} from step {@code i} to the next, given the model's output for it.
     * Both buffers are read and written by absolute index over their whole capacity.
     */
    void step(int i, FloatBuffer modelOutput, FloatBuffer sample);

    /**
     * Whether this sampler reads its model output in chunks ({@link #step(int, OutputChunks, FloatBuffer)}),
     * so that a caller can skip writing the output whole.
     */
    default boolean readsInChunks() {
        return false;
    }

    /**
     * As {@link #step(int, FloatBuffer, FloatBuffer)}, reading the model's output for the {@code sample.capacity()}
     * values in order, a chunk at a time, each once; for samplers that {@link #readsInChunks()}.
     *
     * @throws UnsupportedOperationException if this sampler reads its output whole
     */
    default void step(int i, OutputChunks modelOutput, FloatBuffer sample) {
        throw new UnsupportedOperationException(getClass().getName() + " reads its model output whole");
    }

    /**
     * Whether this sampler updates each value from that value's own history only, so that a step can be
     * taken over parts of the sample apart, on several threads: {@link #beginStep}, then
     * {@link #stepRange} over ranges that cover the sample once, then {@link #endStep}.
     */
    default boolean stepsInRanges() {
        return false;
    }

    /**
     * Begins step {@code i} over a sample of {@code values} values: what every value's update shares.
     *
     * @throws UnsupportedOperationException if this sampler does not step in ranges
     */
    default void beginStep(int i, int values) {
        throw new UnsupportedOperationException(getClass().getName() + " does not step in ranges");
    }

    /**
     * Updates values {@code from .. to − 1} of {@code sample} for the step begun, reading the model's
     * output for them from {@code modelOutput}. Calls over ranges that do not overlap may run at once.
     *
     * @throws UnsupportedOperationException if this sampler does not step in ranges
     */
    default void stepRange(OutputChunks modelOutput, FloatBuffer sample, int from, int to) {
        throw new UnsupportedOperationException(getClass().getName() + " does not step in ranges");
    }

    /**
     * Ends the step begun or prepared, once every range is done.
     *
     * @throws UnsupportedOperationException if this sampler does not step in ranges
     */
    default void endStep() {
        throw new UnsupportedOperationException(getClass().getName() + " does not step in ranges");
    }
    /**
     * Whether this sampler can split a step around the model's run: after {@link #beginPreparedStep},
     * {@link #prepareRange} does what needs the sample as the model is given it but not the model's
     * output, so it may run while the model runs; then {@link #advanceRange} applies the output, and
     * {@link #endStep} ends the step. Both take ranges that cover the sample once; calls over ranges that
     * do not overlap may run at once. A prepared trajectory keeps no sample or output of its own: the
     * caller keeps two samples and two outputs and alternates them, the step's next sample being written
     * where the one before the step's sample was, so each value is read once and written in place after
     * the run (docs/performance.md measures it). A trajectory is taken this way or by {@code step} and
     * {@code stepRange} throughout, not both. The two agree to rounding, not bit for bit: a prepared step
     * folds its update into one multiply-add per value.
     */
    default boolean prepares() {
        return false;
    }

    /**
     * Begins step {@code i} of a prepared trajectory over a sample of {@code values} values.
     *
     * @throws UnsupportedOperationException if this sampler does not prepare its steps
     * @throws IllegalStateException if this trajectory was stepped
     */
    default void beginPreparedStep(int i, int values) {
        throw new UnsupportedOperationException(getClass().getName() + " does not prepare its steps");
    }

    /**
     * Prepares values {@code from .. to − 1} of the step begun, while the model runs on {@code sample}
     * (which this only reads): completes their history from the step before, whose input was
     * {@code previousSample} and whose output was {@code previousOutput} (both unread at a trajectory's
     * first step, and may be {@code null} then), and writes what the next sample owes to everything but this
     * step's output into the first values of {@code next}, which {@link #advanceRange} completes.
     * {@code next} may be {@code previousSample}: each value is read before it is written.
     *
     * @throws UnsupportedOperationException if this sampler does not prepare its steps
     */
    default void prepareRange(FloatBuffer sample, FloatBuffer previousSample, OutputChunks previousOutput,
                              FloatBuffer next, int from, int to) {
        throw new UnsupportedOperationException(getClass().getName() + " does not prepare its steps");
    }

    /**
     * Completes values {@code from .. to − 1} of the next sample, which {@link #prepareRange} began in
     * {@code next}'s first values, with the model's output for them from {@code modelOutput}, and writes them
     * into each copy of the sample that {@code next} holds one after the other (a batched model input holds
     * one a guidance branch).
     *
     * @throws UnsupportedOperationException if this sampler does not prepare its steps
     */
    default void advanceRange(OutputChunks modelOutput, FloatBuffer next, int from, int to) {
        throw new UnsupportedOperationException(getClass().getName() + " does not prepare its steps");
    }

    /**
     * Lets this trajectory, before its first step, take over the working arrays of {@code finished}, an
     * ended trajectory of the same scheduler, where they fit, instead of allocating its own. A render makes
     * one trajectory a clip; at a video model's sizes a trajectory's history is tens of megabytes, which
     * the JVM allocates as humongous objects, and their allocation made the garbage collector pause
     * between clips. {@code finished} must not be stepped again. By default nothing is taken.
     *
     * @param finished a trajectory whose last step has ended, or {@code null}
     */
    default void reuseBuffersOf(Sampler finished) {
    }
}
