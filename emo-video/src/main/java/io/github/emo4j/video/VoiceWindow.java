package io.github.emo4j.video;

import io.github.emo4j.audio.Resampler;
import java.util.Arrays;

/**
 * The voice on its way into the AAC encoder: resampled to the encoder's rate as it arrives, read by
 * absolute sample index (zero where nothing has arrived), and kept only from where encoding has
 * reached, so that memory stays bounded however long the voice. Not thread-safe.
 */
final class VoiceWindow {
    /** Resamples what arrives, or {@code null} when it is at the encoder's rate already and is kept as it is. */
    private final Resampler.Stream resampler;
    private float[] held = new float[8192];
    private int count;
    /** The absolute index of {@code held[0]}. */
    private long start;

    /** A window whose input is resampled by {@code resampler}, or kept as it is when that is {@code null}. */
    VoiceWindow(Resampler resampler) {
        this.resampler = resampler == null ? null : resampler.stream();
    }

    /** Adds {@code len} input samples from {@code in[off]}. */
    void push(float[] in, int off, int len) {
        if (resampler == null) {
            keep(in, off, len);
        } else {
            resampler.push(in, off, len, this::keep);
        }
    }

    /** Ends the input: the resampler's last output arrives. */
    void end() {
        if (resampler != null) {
            resampler.finish(this::keep);
        }
    }

    /** The absolute index just past the last sample that has arrived. */
    long arrived() {
        return start + count;
    }

    /** Writes samples {@code [from, from + block.length)} into {@code block}, zero where none is held. */
    void read(long from, float[] block) {
        for (int i = 0; i < block.length; i++) {
            long j = from + i - start;
            block[i] = j >= 0 && j < count ? held[(int) j] : 0f;
        }
    }

    /** Forgets the samples before absolute index {@code index}: they will not be read again. */
    void forgetBefore(long index) {
        int drop = (int) Math.min(count, index - start);
        if (drop > 0) {
            System.arraycopy(held, drop, held, 0, count - drop);
            count -= drop;
            start += drop;
        }
    }

    private void keep(float[] samples, int offset, int length) {
        if (count + length > held.length) {
            held = Arrays.copyOf(held, Math.max(held.length * 2, count + length));
        }
        System.arraycopy(samples, offset, held, count, length);
        count += length;
    }
}
