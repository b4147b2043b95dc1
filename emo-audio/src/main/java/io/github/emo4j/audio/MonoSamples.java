package io.github.emo4j.audio;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A decoded voice, mono, growing as a decoder produces it: never from a size a header claims, and never
 * past {@link DecodeBudget}, which refuses it by name before the array grows.
 */
final class MonoSamples {
    private final Path file;
    /** The read's limit in seconds ({@link AudioFiles#read(Path, double)}), or {@code null}. */
    private final Double limitSeconds = DecodeBudget.LIMIT_SECONDS.get();
    private float[] data = new float[1 << 16];
    private int size;

    MonoSamples(Path file) {
        this.file = file;
    }

    /**
     * Room for {@code n} more samples at {@code rate} Hz: the array to write {@code [size(), size() + n)}
     * of, then {@link #added}.
     *
     * @throws AudioException if the voice would outgrow its share of the heap
     */
    float[] room(int n, int rate) throws AudioException {
        long needed = (long) size + n;
        if (limitSeconds != null) {
            DecodeBudget.checkLimit(file, needed, rate, limitSeconds);
        }
        if (needed > DecodeBudget.maxSamples()) {
            DecodeBudget.check(file, needed, rate);
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(DecodeBudget.maxSamples(), Math.max(needed, 2L * data.length)));
        }
        return data;
    }

    /** Counts {@code n} samples written into the array {@link #room} gave. */
    void added(int n) {
        size += n;
    }

    /** Appends {@code n} samples of {@code pcm}. */
    void add(float[] pcm, int n, int rate) throws AudioException {
        System.arraycopy(pcm, 0, room(n, rate), size, n);
        size += n;
    }

    int size() {
        return size;
    }

    /** Drops {@code head} samples at the start and {@code tail} at the end, where there are enough. */
    void trim(int head, int tail) {
        if (head + tail >= size) {
            return;
        }
        System.arraycopy(data, head, data, 0, size - head - tail);
        size -= head + tail;
    }

    /**
     * Samples {@code [from, to)} as a clip, each checked: a decoder's NaN or infinity (damaged data that
     * passed its checks) is refused here, by name, before any feature sees it.
     *
     * @throws AudioException naming the first sample that is not a finite number
     */
    AudioClip clip(int from, int to, int rate) throws AudioException {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(data[i])) {
                throw new AudioException(file, String.format(java.util.Locale.ROOT,
                        "decoded sample %d (at %.3f s) is %s: the data is damaged", i - from, (i - from) / (double) rate, data[i]));
            }
        }
        return new AudioClip(Arrays.copyOfRange(data, from, to), rate);
    }
}
