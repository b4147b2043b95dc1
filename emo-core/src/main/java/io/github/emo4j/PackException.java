package io.github.emo4j;

/** A model pack is missing, malformed, unsafe, or does not match its manifest. */
public class PackException extends EmoException {
    private static final long serialVersionUID = 1L;

    public PackException(String message) {
        super(message);
    }

    public PackException(String message, Throwable cause) {
        super(message, cause);
    }
}
