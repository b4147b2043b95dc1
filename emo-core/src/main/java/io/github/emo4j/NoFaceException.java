package io.github.emo4j;

/** No face was found in a portrait and none was given; the message suggests giving its position. */
public class NoFaceException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what was looked for, and how to give the face instead
     */
    public NoFaceException(String message) {
        super(message);
    }
}
