package io.github.emo4j.sched;

import java.util.List;
import java.util.Map;

/** The registry of the denoising-diffusion (DDPM-family) samplers that UNet packs run. */
public final class Schedulers {
    private Schedulers() {
    }

    /**
     * DDIM, Euler, DPM-Solver++ (2M, with or without Karras sigmas), DDPM and LCM, over a DDPM noise
     * schedule. LCM is only meant for models distilled for it.
     */
    public static final SchedulerRegistry DIFFUSION = SchedulerRegistry.builder()
            .algorithm("DDIMScheduler", DdimScheduler::new)
            .algorithm("EulerDiscreteScheduler", EulerDiscreteScheduler::new)
            .algorithm("DPMSolverMultistepScheduler", DpmSolverMultistepScheduler::new)
            .algorithm("DDPMScheduler", DdpmScheduler::new)
            .algorithm("LCMScheduler", LcmScheduler::new)
            .name("ddim", c -> c.put("_class_name", "DDIMScheduler"))
            .name("euler", c -> c.put("_class_name", "EulerDiscreteScheduler"))
            .name("dpm++2m", c -> dpmSolver2m(c, false))
            .name("dpm++2m-karras", c -> dpmSolver2m(c, true))
            .name("ddpm", c -> c.put("_class_name", "DDPMScheduler"))
            .name("lcm", c -> c.put("_class_name", "LCMScheduler"))
            .build();

    private static void dpmSolver2m(Map<String, Object> c, boolean karras) {
        c.put("_class_name", "DPMSolverMultistepScheduler");
        c.put("algorithm_type", "dpmsolver++");
        c.put("solver_order", 2.0);
        c.put("use_karras_sigmas", karras);
    }

    /** The short names of {@link #DIFFUSION}. */
    public static final List<String> NAMES = DIFFUSION.names();

    /** The scheduler a configuration names, from {@link #DIFFUSION}. */
    public static Scheduler fromConfig(Map<String, Object> config) {
        return DIFFUSION.fromConfig(config);
    }

    /** {@code base} switched to {@code name}, one of {@link #NAMES}. */
    public static Map<String, Object> switchTo(Map<String, Object> base, String name) {
        return DIFFUSION.switchTo(base, name);
    }
}
