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

    public AudioException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
        this.file = file;
    }

    public AudioException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file, or {@code null} when the audio did not come from a file. */
    public Path file() {
        return file;
    }
}
