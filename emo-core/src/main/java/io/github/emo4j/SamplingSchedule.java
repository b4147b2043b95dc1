package io.github.emo4j;

import io.github.emo4j.pack.Json;
import io.github.emo4j.sched.Sampler;
import io.github.emo4j.sched.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timesteps a scheduler configuration ({@code scheduler_config.json}, diffusers' keys) samples at,
 * for comparing emo4j's schedulers with diffusers' own.
 *
 * @param timesteps      the timesteps, in the order they are visited
 * @param initNoiseSigma the scale of the initial noise
 */
public record SamplingSchedule(List<Double> timesteps, double initNoiseSigma) {

    /**
     * Copies the timesteps.
     *
     * @param timesteps      the timesteps, in the order they are visited
     * @param initNoiseSigma the scale of the initial noise
     */
    public SamplingSchedule {
        timesteps = List.copyOf(timesteps);
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
     * The schedule of the scheduler {@code config} configures, at {@code steps} steps.
     *
     * @param config a diffusers scheduler configuration file
     * @param steps  sampling steps, 1 to 1000
     * @return its timesteps and initial noise scale
     * @throws InvalidInputException if the file is missing, too large, not JSON, names an unknown
     *         scheduler or configures it wrongly, or {@code steps} is out of range
     */
    public static SamplingSchedule of(Path config, int steps) {
        if (steps < 1 || steps > 1000) {
            throw new InvalidInputException("steps must be between 1 and 1000, not " + steps);
        }
        if (!Files.isRegularFile(config)) {
            throw new InvalidInputException(config + ": file not found");
        }
        try {
            if (Files.size(config) > Json.MAX_CHARS) {
                throw new InvalidInputException(config + ": too large for a scheduler config");
            }
            Object doc = Json.parse(Files.readString(config));
            if (!(doc instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Sampler sampler = Schedulers.fromConfig((Map<String, Object>) m).sampler(steps);
            List<Double> ts = new ArrayList<>();
            for (double t : sampler.timesteps()) {
                ts.add(t);
            }
            return new SamplingSchedule(ts, sampler.initNoiseSigma());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(config + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(config + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The schedule as one line of JSON: {@code {"timesteps": [...], "init_noise_sigma": x}}.
     *
     * @return the JSON text
     */
    public String toJson() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("timesteps", new ArrayList<Object>(timesteps));
        result.put("init_noise_sigma", initNoiseSigma);
        return Json.write(result).replace("\n  ", " ").replace("{\n", "{").replace("\n}", "}");
    }
}
