package io.github.emo4j;

/** No requested execution provider could be used; the message says why and what to add. */
public class ProviderException extends EmoException {
    private static final long serialVersionUID = 1L;

    public ProviderException(String message) {
        super(message);
    }

    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
