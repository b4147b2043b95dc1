package io.github.emo4j;

/** A portrait, audio file or option cannot be used as given. */
public class InvalidInputException extends EmoException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message the problem, naming the file or option
     */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the failure behind it.
     *
     * @param message the problem, naming the file or option
     * @param cause   the underlying failure
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
