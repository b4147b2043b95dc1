package io.github.emo4j.examples;

import io.github.emo4j.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command line's promise that what it reads is never what it writes. */
final class Inputs {
    private Inputs() {
    }

    /**
     * Refuses an output that is one of the inputs, by path (after {@code ..} and links) or by file
     * identity (a hard link), before any work. Each input is given as its option name and path.
     */
    static void refuseOverwrite(String outOption, Path out, String... optionsAndInputs) {
        for (int i = 0; i + 1 < optionsAndInputs.length; i += 2) {
            Path in = Path.of(optionsAndInputs[i + 1]);
            if (same(out, in)) {
                throw new InvalidInputException(out + ": --" + outOption + " is the same file as --" + optionsAndInputs[i]
                        + " " + in + "; refusing to overwrite an input");
            }
        }
    }

    private static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
