package io.github.emo4j;

/**
 * Receives every named tensor of a render ({@link RenderRequest.Builder#trace}), to compare a pack's
 * export with the model it came from. Called on the rendering threads, possibly two at once (the
 * decoded frames come from the decoding thread); an implementation that keeps state synchronises.
 * With no listener a render traces nothing and copies nothing.
 */
@FunctionalInterface
public interface TraceListener {
    /**
     * One tensor.
     *
     * @param tensor its name, place in the render, layout and values
     */
    void onTensor(TracedTensor tensor);
}
