package io.github.emo4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emo demo}: the bundled sample portrait and voice, rendered. */
@Command(name = "demo", sortOptions = false,
        description = "Render the bundled sample (a public-domain portrait and a synthetic voice).")
final class DemoCommand extends EmoCommand {
    @Option(names = "--out", paramLabel = "FILE.mp4", description = "the video to write (default: out/demo.mp4)")
    Path out = Path.of("out/demo.mp4");

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    AnimationOptions animation;

    @Mixin
    RenderOptions render;

    DemoCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws IOException {
        Path dir = Files.createTempDirectory("emo4j-demo");
        try {
            Path portrait = extract("portrait-astronaut.png", dir);
            Path audio = extract("speech-sample.wav", dir);
            RenderCommand.render(portrait, audio, out, pipeline, animation, render, console);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    private static Path extract(String name, Path dir) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IOException("bundled sample " + name + " is missing from the jar");
            }
            Path p = dir.resolve(name);
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }
}
