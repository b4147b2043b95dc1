package io.github.emo4j.audio;

import java.nio.file.Path;

/**
 * How many samples a decoded voice may hold in this JVM. A render keeps the decoded voice and makes a
 * few working copies of it (resampled, normalised, encoded to AAC), so one decoded clip may use at most
 * an eighth of the largest heap the JVM allows. Longer audio is refused before it is allocated, with the
 * longest length that fits, instead of exhausting the heap halfway.
 */
final class DecodeBudget {
    /** The share of the maximum heap one decoded clip may take. */
    static final int HEAP_SHARE = 8;

    /**
     * The longest voice the read under way on this thread accepts, or {@code null}: set by
     * {@link AudioFiles#read(Path, double)} around one read, so every decoder's output stops at it.
     */
    static final ThreadLocal<Double> LIMIT_SECONDS = new ThreadLocal<>();

    private DecodeBudget() {
    }

    /** Refuses {@code samples} at {@code rate} Hz when they last longer than {@code maxSeconds}. */
    static void checkLimit(Path file, long samples, int rate, double maxSeconds) throws AudioException {
        if (samples > maxSeconds * rate) {
            throw new AudioException(file, String.format(java.util.Locale.ROOT,
                    "over the limit: the voice is longer than %.0f s (%.0f s decoded so far)", maxSeconds, samples / (double) rate));
        }
    }

    /** Most mono float samples one decoded clip may hold. */
    static long maxSamples() {
        return Math.min(Integer.MAX_VALUE - 16L, Runtime.getRuntime().maxMemory() / HEAP_SHARE / Float.BYTES);
    }

    /** Refuses {@code samples} decoded samples at {@code rate} Hz when they exceed {@link #maxSamples}. */
    static void check(Path file, long samples, int rate) throws AudioException {
        long max = maxSamples();
        if (samples > max) {
            throw new AudioException(file, String.format("audio of %.0f s at %d Hz is too long to decode in this JVM: "
                    + "at most %.0f s fit (a decoded voice may take 1/%d of the %d MB heap; give Java more with -Xmx, "
                    + "EMO_JAVA_OPTS for the emo command)", samples / (double) rate, rate, max / (double) rate, HEAP_SHARE,
                    Runtime.getRuntime().maxMemory() >> 20));
        }
    }
}
