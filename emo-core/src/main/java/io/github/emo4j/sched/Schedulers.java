package io.github.emo4j.sched;

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
}
