package io.github.emo4j.audio.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What an input file must be before anything reads it: a regular file. A named pipe blocks its reader
 * until someone writes, a device may never end, and a folder is no file at all; each is refused at once.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Why {@code file} cannot be read as an input, in words ("file not found", "is a folder, not a
     * file", ...). Symbolic links are followed.
     *
     * @param file the input
     * @return the problem, or {@code null} when it is a regular file
     */
    public static String problem(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "file not found";
        } catch (IOException e) {
            // the reason alone: the caller's message names the file already
            return "cannot read: " + (e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                    ? f.getReason().toLowerCase(java.util.Locale.ROOT) : e.getMessage());
        }
        if (a.isDirectory()) {
            return "is a folder, not a file";
        }
        if (!a.isRegularFile()) {
            return "is not a regular file (a named pipe, device or socket), which could block or never end";
        }
        return null;
    }
}
