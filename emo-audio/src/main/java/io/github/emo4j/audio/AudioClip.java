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

    public AudioClip {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
    }

    /** Number of samples. */
    public int length() {
        return samples.length;
    }

    /** Duration in seconds. */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** This clip at another sample rate, through the band-limited {@link Resampler}. */
    public AudioClip resampledTo(int targetRate) {
        if (targetRate == sampleRate) {
            return this;
        }
        return new AudioClip(Resampler.of(sampleRate, targetRate).process(samples), targetRate);
    }
}
