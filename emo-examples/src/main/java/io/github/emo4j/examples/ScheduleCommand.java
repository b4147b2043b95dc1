package io.github.emo4j.examples;

import io.github.emo4j.SamplingSchedule;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emo schedule}: a scheduler's timesteps and initial noise sigma, as JSON. */
@Command(name = "schedule", sortOptions = false,
        description = "Print a scheduler's timesteps, its sigmas (flow matching) and initial noise sigma as JSON.")
final class ScheduleCommand extends EmoCommand {
    @Option(names = "--config", required = true, paramLabel = "scheduler_config.json", description = "the scheduler's configuration, as diffusers saves it")
    Path config;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "sampling steps, 1 to 1000")
    Integer steps;

    @Option(names = "--mu", paramLabel = "MU",
            description = "the dynamic shift of a flow scheduler with use_dynamic_shifting (a pipeline computes it from the image's size)")
    Double mu;

    ScheduleCommand(Console console) {
        super(console);
    }

    @Override
    int execute() {
        console.out().print(SamplingSchedule.of(config, Numbers.within("--steps", steps, 0, 1, 1000), mu).toJson());
        return 0;
    }
}
