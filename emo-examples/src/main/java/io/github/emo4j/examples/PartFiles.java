package io.github.emo4j.examples;

import io.github.emo4j.video.PartFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The command's own partial files, so that an interrupt can remove them. */
final class PartFiles {
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private PartFiles() {
    }

    /** A new partial file beside {@code target}, registered until {@link #delete}. */
    static Path beside(Path target) throws IOException {
        Path p = PartFile.beside(target);
        OPEN.add(p);
        return p;
    }

    /** Deletes {@code part} if it is still there (it is gone once moved into place). */
    static void delete(Path part) throws IOException {
        try {
            Files.deleteIfExists(part);
        } finally {
            OPEN.remove(part);
        }
    }

    /** Deletes every registered partial file; for the shutdown hook, so it never throws. */
    static void deleteAll() {
        for (Path p : OPEN) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // nothing more to do while the JVM stops
            }
        }
    }
}
