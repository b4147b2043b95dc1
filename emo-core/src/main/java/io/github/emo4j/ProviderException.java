package io.github.emo4j;

/**
 * No requested execution provider could be used; the message says why and what to add. A kind of bad
 * input: the provider list asked for what this machine does not have.
 */
public class ProviderException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message why no provider could be used, and what to add
     */
    public ProviderException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the failure behind it.
     *
     * @param message why no provider could be used, and what to add
     * @param cause   the underlying failure
     */
    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
