package io.github.emo4j.video;

import java.io.IOException;
import java.nio.file.Path;

/** A portrait could not be used. The message names the file and what is wrong with it. */
public class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
    }

    public ImageException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
    }
}
