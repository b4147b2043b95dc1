package io.github.emo4j.sched;

import java.nio.FloatBuffer;

/**
 * One sampling trajectory. The loop is: for each {@code i}, run the model on {@code sample} (scaled by
 * {@link #inputScale(int)}) at {@code timesteps()[i]}, then {@link #step} updates {@code sample} in place.
 * Nothing is allocated per step.
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
}
