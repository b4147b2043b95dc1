package io.github.emo4j;

import io.github.emo4j.sched.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;

/**
 * The timesteps a scheduler configuration ({@code scheduler_config.json}, diffusers' keys) samples at,
 * for comparing emo4j's schedulers with diffusers' own.
 *
 * @param timesteps      the timesteps, in the order they are visited
 * @param sigmas         the noise levels of the steps and the one after the last, for samplers that step
 *                       in sigma (flow matching); empty otherwise
 * @param initNoiseSigma the scale of the initial noise
 */
public record SamplingSchedule(List<Double> timesteps, List<Double> sigmas, double initNoiseSigma) {

    /** Largest scheduler configuration read, as large as a pack manifest may be: far beyond any real one. */
    static final long MAX_CONFIG_BYTES = 4L << 20;

    /**
     * Copies the lists.
     *
     * @param timesteps      the timesteps, in the order they are visited
     * @param sigmas         the noise levels, or an empty list
     * @param initNoiseSigma the scale of the initial noise
     */
    public SamplingSchedule {
        timesteps = List.copyOf(timesteps);
        sigmas = List.copyOf(sigmas);
    }

    /**
     * The sampling algorithms a request may ask for by name ({@link RenderRequest.Builder#scheduler}).
     *
     * @return the names, e.g. {@code ddim}, {@code dpm++2m-karras}
     */
    public static List<String> algorithms() {
        return Schedulers.NAMES;
    }

    /**
     * The flow-matching algorithms (for flow-transformer packs) by name.
     *
     * @return the names, e.g. {@code flow-euler}
     */
    public static List<String> flowAlgorithms() {
        return Schedulers.FLOW.names();
    }

    /**
     * The schedule of the scheduler {@code config} configures, at {@code steps} steps.
     *
     * @param config a diffusers scheduler configuration file
     * @param steps  sampling steps, 1 to 1000
     * @return its timesteps and initial noise scale
     * @throws InvalidInputException if the file is missing, too large, not JSON, names an unknown
     *         scheduler or configures it wrongly, or {@code steps} is out of range
     */
    public static SamplingSchedule of(Path config, int steps) {
        return of(config, steps, null);
    }

    /**
     * The schedule of a flow-matching scheduler with dynamic shifting ({@code use_dynamic_shifting}), whose
     * shift μ a pipeline computes from the image's size.
     *
     * @param config a diffusers scheduler configuration file
     * @param steps  sampling steps, 1 to 1000
     * @param mu     the dynamic shift, or {@code null} for none
     * @return its timesteps, sigmas and initial noise scale
     * @throws InvalidInputException as {@link #of(Path, int)}, and for a μ the scheduler does not take
     */
    public static SamplingSchedule of(Path config, int steps, Double mu) {
        if (steps < 1 || steps > 1000) {
            throw new InvalidInputException("steps must be between 1 and 1000, not " + steps);
        }
        if (!Files.isRegularFile(config)) {
            throw new InvalidInputException(config + ": file not found");
        }
        try {
            if (Files.size(config) > MAX_CONFIG_BYTES) {
                throw new InvalidInputException(config + ": too large for a scheduler config");
            }
            return EmoEngine.get().schedule(Files.readString(config), config.toString(), steps, mu);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(config + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(config + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The schedule as one line of JSON: {@code {"timesteps": [...], "init_noise_sigma": x}}, with
     * {@code "sigmas": [...]} before the noise scale where the sampler has them.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringJoiner ts = new StringJoiner(", ", "[", "]");
        for (double t : timesteps) {
            ts.add(number(t));
        }
        StringJoiner ss = new StringJoiner(", ", "[", "]");
        for (double s : sigmas) {
            ss.add(number(s));
        }
        return "{\"timesteps\": " + ts + (sigmas.isEmpty() ? "" : ", \"sigmas\": " + ss) + ", \"init_noise_sigma\": "
                + number(initNoiseSigma) + "}";
    }

    /** A number as JSON writes it: whole numbers without a fraction. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
