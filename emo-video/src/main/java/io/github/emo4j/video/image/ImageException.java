package io.github.emo4j.video.image;

import java.io.IOException;
import java.nio.file.Path;

/** A portrait could not be used. The message names the file and what is wrong with it. */
public class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message is the file's path and the problem.
     *
     * @param file    the image file, or {@code null}
     * @param problem what is wrong, in words
     */
    public ImageException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
    }

    /**
     * An exception whose message is the file's path and the problem, with its cause.
     *
     * @param file    the image file, or {@code null}
     * @param problem what is wrong, in words
     * @param cause   the underlying failure
     */
    public ImageException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
    }
}
