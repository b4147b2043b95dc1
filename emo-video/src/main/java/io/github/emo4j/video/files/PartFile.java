package io.github.emo4j.video.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A new, empty, hidden {@code .part} file beside a target, for writing output that is moved into place
 * only when complete. Unlike {@link Files#createTempFile}, it gets the ordinary permissions of the
 * user's umask, so the finished file is as readable as any other the user writes.
 */
public final class PartFile {
    private PartFile() {
    }

    /**
     * Creates a new, empty, hidden partial file in the target's folder.
     *
     * @param target the file the output will become
     * @return the partial file
     * @throws IOException if no file can be created there
     */
    public static Path beside(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        for (int attempt = 0; attempt < 100; attempt++) {
            Path p = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
        throw new IOException(target + ": cannot create a temporary file beside it");
    }
}
