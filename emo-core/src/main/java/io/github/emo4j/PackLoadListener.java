package io.github.emo4j;

/**
 * Hears a pack's networks load, one after another. A learned pack's can take minutes: Wan2.2-S2V's
 * transformer alone is 28 GB in fp16. Called on the thread that builds the pipeline.
 */
@FunctionalInterface
public interface PackLoadListener {
    /** Hears nothing. */
    PackLoadListener NONE = (index, count, component, bytes) -> {
    };

    /**
     * A network is about to load.
     *
     * @param index     its place, from 1
     * @param count     the networks of the pack
     * @param component its role, such as {@code denoising_unet}
     * @param bytes     its graph's size with the data file beside it ({@code FILE.data}), or -1 when unknown
     */
    void loading(int index, int count, String component, long bytes);

    /**
     * The network loaded and was checked against its manifest entry.
     *
     * @param index     its place, from 1
     * @param count     the networks of the pack
     * @param component its role
     * @param nanos     how long it took
     */
    default void loaded(int index, int count, String component, long nanos) {
    }
}
