package io.github.emo4j.examples;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.PackDescription;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code emo info}: the version and this machine's providers; with {@code --pack}, the pack loaded and checked. */
@Command(name = "info", sortOptions = false,
        description = "Version and execution providers; with --pack, load and check a pack and list its settings and "
                + "each component's tensors.")
final class InfoCommand extends EmoCommand {
    @Mixin
    PipelineOptions pipeline;

    InfoCommand(Console console) {
        super(console);
    }

    @Override
    int execute() {
        PrintStream out = console.out();
        out.println("emo4j " + EmoCli.VERSION);
        out.println("java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        List<String> names = new ArrayList<>();
        for (ExecutionProvider p : EmoPipeline.availableProviders()) {
            names.add(p.kind().name().toLowerCase(Locale.ROOT));
        }
        out.println("execution providers available: " + String.join(", ", names));
        out.println("GPU providers need com.microsoft.onnxruntime:onnxruntime_gpu (build with -Pgpu); see README.");
        if (pipeline.pack != null) {
            describePack(out);
        }
        return 0;
    }

    /** Loads the pack as a render would (so every check runs) and lists what it declares. */
    private void describePack(PrintStream out) {
        try (EmoPipeline p = EmoPipeline.builder().pack(pipeline.pack)
                .provider(pipeline.providers().toArray(ExecutionProvider[]::new)).threads(1).build()) {
            PackDescription d = p.describePack();
            out.println("pack " + d.name() + " (" + pipeline.pack + "), loaded and checked on " + d.provider());
            if (!d.description().isEmpty()) {
                out.println("  " + d.description());
            }
            out.println("family: " + d.family());
            out.println("settings: " + String.join(", ", d.settings()));
            out.println("scheduler: " + d.scheduler());
            for (PackDescription.Component c : d.components()) {
                out.println(c.role() + " (" + c.file() + ")");
                c.inputs().forEach(t -> out.println("  in  " + t));
                c.outputs().forEach(t -> out.println("  out " + t));
            }
        }
    }
}
