package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An audio input could not be used: the file is unreadable, malformed, or describes an impossible
 * stream. The message always names the file (when there is one) and what is wrong with it.
 */
public class AudioException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * An exception whose message is the file's path and the problem.
     *
     * @param file    the offending file, or {@code null}
     * @param problem what is wrong, in words
     */
    public AudioException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
        this.file = file;
    }

    /**
     * An exception whose message is the file's path and the problem, with its cause.
     *
     * @param file    the offending file, or {@code null}
     * @param problem what is wrong, in words
     * @param cause   the underlying failure
     */
    public AudioException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The offending file.
     *
     * @return the file, or {@code null} when the audio did not come from a file
     */
    public Path file() {
        return file;
    }

    /**
     * The file could not be read: the message names the file once, then the file system's reason
     * ("file not found", "permission denied", "input/output error"), not the I/O exception's own text,
     * which would name the file again. A decoder's own {@code AudioException} passing through a reader's
     * {@code catch (IOException)} is returned as it is.
     *
     * @param file  the file
     * @param cause what failed
     * @return the exception
     */
    public static AudioException cannotRead(Path file, java.io.IOException cause) {
        if (cause instanceof AudioException named) {
            return named; // a decoder's own refusal, already naming the file: once is enough
        }
        return new AudioException(file, "cannot read: " + reason(cause), cause);
    }

    /**
     * An I/O failure in words, without the path it happened to.
     *
     * @param e the failure
     * @return its reason
     */
    public static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "file not found";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getReason() == null ? e.getClass().getSimpleName() : f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
