package io.github.emo4j;

/**
 * What a caller plugs into a render to watch, stop or reproduce it: progress, cancellation, and the
 * parity hooks that check a pack against its original model (initial noise in, every tensor traced
 * out, preprocessing results in). A part of a {@link RenderRequest}, read with
 * {@link RenderRequest#hooks()} and set through {@link RenderRequest.Builder}. All off by default, and
 * then free. Immutable.
 */
public final class RenderHooks {
    static final RenderHooks NONE = new RenderHooks(ProgressListener.NONE, null, null, null, Preprocessing.NONE);

    private final ProgressListener progress;
    private final CancelToken cancel;
    private final InitialNoise initialNoise;
    private final TraceListener trace;
    private final Preprocessing preprocessing;

    RenderHooks(ProgressListener progress, CancelToken cancel, InitialNoise initialNoise, TraceListener trace,
                Preprocessing preprocessing) {
        this.progress = progress;
        this.cancel = cancel;
        this.initialNoise = initialNoise;
        this.trace = trace;
        this.preprocessing = preprocessing;
    }

    /**
     * Where progress goes.
     *
     * @return the listener; {@link ProgressListener#NONE} by default
     */
    public ProgressListener progress() {
        return progress;
    }

    /**
     * The token another thread may cancel the render with.
     *
     * @return the token, or {@code null}
     */
    public CancelToken cancel() {
        return cancel;
    }

    /**
     * Each clip's initial noise, instead of the seed's.
     *
     * @return the noise, or {@code null} to draw it from the seed
     */
    public InitialNoise initialNoise() {
        return initialNoise;
    }

    /**
     * Where every named tensor between the stages goes.
     *
     * @return the listener, or {@code null} for none
     */
    public TraceListener trace() {
        return trace;
    }

    /**
     * Preprocessing results (face crop, face image, masks) used instead of derived.
     *
     * @return the given results; {@link Preprocessing#NONE} by default
     */
    public Preprocessing preprocessing() {
        return preprocessing;
    }
}
