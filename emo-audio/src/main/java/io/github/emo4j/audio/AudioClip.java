package io.github.emo4j.audio;

import java.util.Objects;

/**
 * Mono PCM audio as floats in [-1, 1] at a fixed sample rate. Immutable by convention: the array is
 * not copied (clips can be long), so callers must not modify it after construction.
 *
 * @param samples    the mono samples
 * @param sampleRate samples per second
 */
public record AudioClip(float[] samples, int sampleRate) {

    /**
     * Checks the clip.
     *
     * @param samples    mono samples, nominally in [-1, 1]
     * @param sampleRate samples per second
     * @throws IllegalArgumentException if the rate is not positive
     */
    public AudioClip {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
    }

    /**
     * Number of samples.
     *
     * @return the sample count
     */
    public int length() {
        return samples.length;
    }

    /**
     * Duration in seconds.
     *
     * @return samples over sample rate
     */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /**
     * This clip at another sample rate, through the band-limited {@link Resampler}.
     *
     * @param targetRate the new sample rate
     * @return this clip if the rate is already {@code targetRate}, else a resampled copy
     */
    public AudioClip resampledTo(int targetRate) {
        if (targetRate == sampleRate) {
            return this;
        }
        return new AudioClip(Resampler.of(sampleRate, targetRate).process(samples), targetRate);
    }
}
