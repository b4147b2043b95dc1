package io.github.emo4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The command's own partial files, so that an interrupt can remove them. */
final class PartFiles {
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private PartFiles() {
    }

    /**
     * A new, empty, hidden partial file beside {@code target}, registered until {@link #delete}. It is
     * created with the user's usual permissions (not a temporary file's owner-only ones), since it becomes
     * the output.
     */
    static Path beside(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        String stem = "." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-";
        for (int n = 0; n < 1000; n++) {
            Path p = abs.resolveSibling(stem + SEQUENCE.incrementAndGet() + ".part");
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createFile(p);
                    OPEN.add(p);
                    return p;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // another process took the name first
                }
            }
        }
        throw new IOException(target + ": cannot create a partial file beside it");
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
