package io.github.emo4j;

/** A model pack is missing, malformed, unsafe, or does not match its manifest. */
public class PackException extends EmoException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message the problem, naming the pack file, component or tensor
     */
    public PackException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the failure behind it.
     *
     * @param message the problem, naming the pack file, component or tensor
     * @param cause   the underlying failure
     */
    public PackException(String message, Throwable cause) {
        super(message, cause);
    }
}
