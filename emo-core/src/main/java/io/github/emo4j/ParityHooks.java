package io.github.emo4j;

import java.util.Objects;

/**
 * What a parity check of a pack against its original model needs from a render: the initial noise
 * given, every tensor traced out, and preprocessing results given. All off by default, and then free.
 *
 * @param initialNoise  each clip's noise, or {@code null} to draw it from the seed
 * @param trace         where every named tensor goes, or {@code null}
 * @param preprocessing preprocessing results to use instead of deriving them
 */
public record ParityHooks(InitialNoise initialNoise, TraceListener trace, Preprocessing preprocessing) {
    /** No hooks. */
    public static final ParityHooks NONE = new ParityHooks(null, null, Preprocessing.NONE);

    /**
     * Takes {@link Preprocessing#NONE} for {@code null} preprocessing.
     *
     * @param initialNoise  each clip's noise, or {@code null}
     * @param trace         the listener, or {@code null}
     * @param preprocessing the given results, or {@code null} for none
     */
    public ParityHooks {
        preprocessing = Objects.requireNonNullElse(preprocessing, Preprocessing.NONE);
    }
}
