package io.github.emo4j.sched;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

    /**
     * The flow-matching samplers that flow-transformer packs (Wan and its relatives) run: the model
     * predicts a velocity over sigmas from 1 to 0.
     */
    public static final SchedulerRegistry FLOW = SchedulerRegistry.builder()
            .algorithm("FlowMatchEulerDiscreteScheduler", FlowMatchEulerDiscreteScheduler::new)
            .algorithm("FlowUniPCMultistepScheduler", FlowUniPcMultistepScheduler::new)
            .algorithm("FlowDPMSolverMultistepScheduler", FlowDpmSolverMultistepScheduler::new)
            .algorithm("UniPCMultistepScheduler", FlowUniPcMultistepScheduler::new)
            .name("flow-euler", c -> c.put("_class_name", "FlowMatchEulerDiscreteScheduler"))
            .name("flow-unipc", c -> c.put("_class_name", "FlowUniPCMultistepScheduler"))
            .name("flow-dpm++", c -> c.put("_class_name", "FlowDPMSolverMultistepScheduler"))
            .build();

    private static Scheduler refuseMu(String name) {
        throw new IllegalArgumentException("mu is a dynamic shift; " + name + " takes none");
    }

    /** The short names of {@link #DIFFUSION}, then of {@link #FLOW}; a pack runs its own family's. */
    public static final List<String> NAMES = Stream.concat(DIFFUSION.names().stream(),
            FLOW.names().stream()).toList();

    /** The scheduler a configuration names, from {@link #DIFFUSION}. */
    public static Scheduler fromConfig(Map<String, Object> config) {
        return DIFFUSION.fromConfig(config);
    }

    /**
     * The scheduler a configuration names, from either family, for inspecting a schedule.
     *
     * @param config diffusers' keys
     * @param mu     the dynamic shift of a flow scheduler that asks for one, or {@code null}
     * @return the scheduler
     */
    public static Scheduler anyFromConfig(Map<String, Object> config, Double mu) {
        Object cls = config.get("_class_name");
        if (cls instanceof String name && FLOW.classNames().contains(name)) {
            if (mu == null) {
                return FLOW.fromConfig(config);
            }
            return name.equals("UniPCMultistepScheduler") ? FlowUniPcMultistepScheduler.withMu(config, mu)
                    : name.equals("FlowMatchEulerDiscreteScheduler") ? FlowMatchEulerDiscreteScheduler.withMu(config, mu)
                    : refuseMu(name);
        }
        if (mu != null) {
            throw new IllegalArgumentException("mu is a dynamic shift; " + cls + " takes none");
        }
        if (cls instanceof String name && !DIFFUSION.classNames().contains(name)) {
            List<String> all = new java.util.ArrayList<>(DIFFUSION.classNames());
            all.addAll(FLOW.classNames());
            throw new IllegalArgumentException("scheduler '" + name + "' is not supported (supported: " + String.join(", ", all) + ")");
        }
        return DIFFUSION.fromConfig(config);
    }

    /** {@code base} switched to {@code name}, one of {@link #NAMES}. */
    public static Map<String, Object> switchTo(Map<String, Object> base, String name) {
        return DIFFUSION.switchTo(base, name);
    }
}
