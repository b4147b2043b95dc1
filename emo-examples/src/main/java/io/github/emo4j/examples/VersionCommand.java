package io.github.emo4j.examples;

import picocli.CommandLine.Command;

/** {@code emo version}: emo4j's version (also {@code emo --version}). */
@Command(name = "version", description = "Print emo4j's version (also --version).")
final class VersionCommand extends EmoCommand {
    VersionCommand(Console console) {
        super(console);
    }

    @Override
    int execute() {
        console.out().println("emo4j " + EmoCli.VERSION);
        return 0;
    }
}
