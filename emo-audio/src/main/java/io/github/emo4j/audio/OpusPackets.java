package io.github.emo4j.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusMSDecoder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opus packets to mono samples at 48 kHz, whatever their container (Ogg, WebM, Matroska): the identification
 * header ("OpusHead", RFC 7845) configures Concentus (a Java port of libopus: SILK, CELT and hybrid modes),
 * its pre-skip is dropped from the start and the output gain applied; the container says where the stream
 * ends ({@link #finish}).
 */
final class OpusPackets {
    static final int RATE = 48_000;
    /** The longest Opus packet: 120 ms. */
    private static final int MAX_FRAME = 5760;

    private final Path file;
    private final int channels;
    private final int preSkip;
    private final float gain;
    private final OpusDecoder single;
    private final OpusMSDecoder multi;
    private final short[] pcm;
    private final MonoSamples out;
    private long decoded;

    /**
     * @param head the OpusHead packet (Ogg's first packet, Matroska's CodecPrivate)
     * @throws AudioException if the header is malformed or of a kind this decoder does not handle
     */
    OpusPackets(Path file, byte[] head) throws AudioException {
        this.file = file;
        this.out = new MonoSamples(file);
        if (head.length < 19 || !new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("OpusHead")) {
            throw new AudioException(file, "Opus identification header missing or shorter than 19 bytes");
        }
        int version = head[8] & 0xFF;
        if (version > 15) {
            throw new AudioException(file, "Opus header version " + version + " is not one this decoder reads (0 to 15)");
        }
        channels = head[9] & 0xFF;
        if (channels == 0) {
            throw new AudioException(file, "Opus header gives 0 channels");
        }
        preSkip = (head[10] & 0xFF) | (head[11] & 0xFF) << 8;
        int gainQ8 = (short) ((head[16] & 0xFF) | (head[17] & 0xFF) << 8);
        gain = (float) Math.pow(10, gainQ8 / (20.0 * 256));
        int family = head[18] & 0xFF;
        try {
            if (family == 0) {
                if (channels > 2) {
                    throw new AudioException(file, "Opus mapping family 0 allows 1 or 2 channels, not " + channels);
                }
                single = new OpusDecoder(RATE, channels);
                multi = null;
            } else if (family == 1 || family == 255) {
                if (head.length < 21 + channels) {
                    throw new AudioException(file, "Opus header too short for its channel mapping table");
                }
                int streams = head[19] & 0xFF, coupled = head[20] & 0xFF;
                if (streams == 0 || coupled > streams || streams + coupled > 255) {
                    throw new AudioException(file, "Opus header gives " + streams + " streams, " + coupled + " coupled");
                }
                short[] mapping = new short[channels];
                for (int c = 0; c < channels; c++) {
                    int m = head[21 + c] & 0xFF;
                    if (m != 255 && m >= streams + coupled) {
                        throw new AudioException(file, "Opus channel mapping points at stream channel " + m + " of " + (streams + coupled));
                    }
                    mapping[c] = (short) m;
                }
                multi = OpusMSDecoder.create(RATE, channels, streams, coupled, mapping);
                single = null;
            } else {
                throw new AudioException(file, "Opus channel mapping family " + family + " is not supported (0, 1 and 255 are)");
            }
        } catch (OpusException e) {
            throw new AudioException(file, "Opus decoder refuses the header: " + e.getMessage(), e);
        }
        pcm = new short[MAX_FRAME * channels];
    }

    int preSkip() {
        return preSkip;
    }

    /** Decodes one packet and keeps its samples, mixed to mono. */
    void decode(byte[] packet, int offset, int length) throws AudioException {
        if (length == 0) {
            return;
        }
        int n;
        try {
            n = single != null ? single.decode(packet, offset, length, pcm, 0, MAX_FRAME, false)
                    : multi.decodeMultistream(packet, offset, length, pcm, 0, MAX_FRAME, 0);
        } catch (OpusException | RuntimeException e) {
            throw new AudioException(file, "malformed Opus packet " + (decoded + 1) + ": " + e.getMessage(), e);
        }
        if (n < 0) {
            throw new AudioException(file, "malformed Opus packet " + (decoded + 1) + " (error " + n + ")");
        }
        decoded++;
        float[] data = out.room(n, RATE);
        int at = out.size();
        float scale = gain / (32768f * channels);
        for (int i = 0; i < n; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += pcm[i * channels + c];
            }
            // the header's output gain can take a loud voice past full scale: kept within it, as ffmpeg's
            // 16-bit output and every player's does (docs/audio.md)
            data[at + i] = Math.max(-1f, Math.min(1f, sum * scale));
        }
        out.added(n);
    }

    /** Samples decoded so far, pre-skip included. */
    long decodedSamples() {
        return out.size();
    }

    /**
     * The clip: the pre-skip dropped and the stream ended at {@code total} samples after it (or wherever the
     * packets end, when the container does not say).
     *
     * @param total samples the stream holds after the pre-skip, or -1 when unknown
     */
    AudioClip finish(long total) throws AudioException {
        if (decoded == 0) {
            throw new AudioException(file, "Opus stream holds no audio packets");
        }
        int size = out.size(), from = Math.min(preSkip, size);
        long end = total < 0 ? size : Math.min(size, from + Math.max(0, total));
        if (end <= from) {
            throw new AudioException(file, "Opus stream ends within its pre-skip: no audio");
        }
        return out.clip(from, (int) end, RATE);
    }
}
