package io.github.emo4j.sched;

import java.util.LinkedHashMap;
import java.util.List;

import java.util.Map;

/** Creates schedulers from diffusers configuration maps, by their {@code _class_name}. */
public final class Schedulers {
    private Schedulers() {
    }

    /** The scheduler a configuration names. */
    public static Scheduler fromConfig(Map<String, Object> config) {
        Object cls = config.get("_class_name");
        if (!(cls instanceof String name)) {
            throw new IllegalArgumentException("scheduler config has no _class_name");
        }
        return switch (name) {
            case "DDIMScheduler" -> new DdimScheduler(config);
            case "EulerDiscreteScheduler" -> new EulerDiscreteScheduler(config);
            case "DPMSolverMultistepScheduler" -> new DpmSolverMultistepScheduler(config);
            case "DDPMScheduler" -> new DdpmScheduler(config);
            case "LCMScheduler" -> new LcmScheduler(config);
            default -> throw new IllegalArgumentException("scheduler '" + name + "' is not supported (supported: "
                    + "DDIMScheduler, EulerDiscreteScheduler, DPMSolverMultistepScheduler, DDPMScheduler, LCMScheduler)");
        };
    }

    /** The algorithm names {@link #switchTo} takes. */
    public static final List<String> NAMES = List.of("ddim", "euler", "dpm++2m", "dpm++2m-karras", "ddpm", "lcm");

    /**
     * The pack's configuration with another algorithm, as diffusers switches schedulers with
     * {@code OtherScheduler.from_config(pipe.scheduler.config)}: the noise schedule, prediction type
     * and spacing stay the model's, only the algorithm changes. LCM is only meant for models distilled
     * for it.
     *
     * @param name one of {@link #NAMES}
     */
    public static Map<String, Object> switchTo(Map<String, Object> base, String name) {
        Map<String, Object> c = new LinkedHashMap<>(base);
        switch (name) {
            case "ddim" -> c.put("_class_name", "DDIMScheduler");
            case "euler" -> c.put("_class_name", "EulerDiscreteScheduler");
            case "dpm++2m", "dpm++2m-karras" -> {
                c.put("_class_name", "DPMSolverMultistepScheduler");
                c.put("algorithm_type", "dpmsolver++");
                c.put("solver_order", 2.0);
                c.put("use_karras_sigmas", name.endsWith("karras"));
            }
            case "ddpm" -> c.put("_class_name", "DDPMScheduler");
            case "lcm" -> c.put("_class_name", "LCMScheduler");
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "' (known: " + NAMES + ")");
        }
        return c;
    }
}
