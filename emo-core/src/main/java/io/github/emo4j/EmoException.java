package io.github.emo4j;

/**
 * Base of every error emo4j reports. Messages are written for the person running the render: they
 * name the file, tensor or option at fault and what is wrong with it.
 */
public class EmoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message a problem
     */
    public EmoException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the failure behind it.
     *
     * @param message a problem
     * @param cause   the underlying failure
     */
    public EmoException(String message, Throwable cause) {
        super(message, cause);
    }
}
