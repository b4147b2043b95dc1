package io.github.emo4j;

/** The render was cancelled or its thread interrupted; no output file was left behind. */
public class RenderCancelledException extends EmoException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message how the render was stopped
     */
    public RenderCancelledException(String message) {
        super(message);
    }
}
