package io.github.emo4j;

/** A portrait, audio file or option cannot be used as given. */
public class InvalidInputException extends EmoException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
