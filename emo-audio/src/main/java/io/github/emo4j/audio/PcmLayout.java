package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How uncompressed samples are laid out in a file, and the one loop that reads them: in 64 kB blocks,
 * every channel averaged to mono, each value checked to be finite. WAV, AIFF and AU all end here.
 *
 * @param encoding   how one sample is stored
 * @param bits       bits per sample
 * @param channels   interleaved channels
 * @param sampleRate samples per second per channel
 * @param bigEndian  byte order of multi-byte samples
 */
record PcmLayout(Encoding encoding, int bits, int channels, int sampleRate, boolean bigEndian) {

    enum Encoding { SIGNED, UNSIGNED, FLOAT, ALAW, MULAW }

    private static final int BLOCK_BYTES = 1 << 16;

    int bytesPerSample() {
        return bits / 8;
    }

    int blockAlign() {
        return bytesPerSample() * channels;
    }

    /** Checks the parts every container shares; {@code what} names the container in messages. */
    void validate(Path file) throws AudioException {
        if (channels == 0) {
            throw new AudioException(file, "header says zero channels");
        }
        if (channels < 0 || channels > WavDecoder.MAX_CHANNELS) {
            throw new AudioException(file, "header says " + channels + " channels (at most " + WavDecoder.MAX_CHANNELS + ")");
        }
        if (sampleRate < WavDecoder.MIN_RATE || sampleRate > WavDecoder.MAX_RATE) {
            throw new AudioException(file, "unsupported sample rate " + sampleRate + " Hz (accepted: "
                    + WavDecoder.MIN_RATE + " to " + WavDecoder.MAX_RATE + ")");
        }
        boolean ok = switch (encoding) {
            case SIGNED -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
            case UNSIGNED, ALAW, MULAW -> bits == 8;
            case FLOAT -> bits == 32 || bits == 64;
        };
        if (!ok) {
            throw new AudioException(file, bits + "-bit samples are not valid for " + encoding.name().toLowerCase() + " encoding");
        }
    }

    /** Reads {@code size} bytes of samples starting at {@code start}, as mono. */
    AudioClip read(FileChannel ch, long start, long size, Path file) throws IOException {
        long frames = size / blockAlign();
        if (frames == 0) {
            throw new AudioException(file, "contains no samples");
        }
        DecodeBudget.check(file, frames, sampleRate);
        float[] out = new float[(int) frames];
        try (AudioStream s = stream(ch, start, frames, file)) {
            int done = 0;
            while (done < out.length) {
                int n = s.read(out, done, out.length - done);
                if (n < 0) {
                    throw new AudioException(file, "ends early, inside the sample data");
                }
                done += n;
            }
        }
        return new AudioClip(out, sampleRate);
    }

    /** A stream over {@code frames} frames of samples starting at {@code start}. */
    AudioStream stream(FileChannel ch, long start, long frames, Path file) {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(1, BLOCK_BYTES / blockAlign()) * blockAlign())
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float scale = 1f / channels;
        int bytes = bytesPerSample();
        return new AudioStream() {
            long pos = start;
            long left = frames;
            long index;

            @Override
            public int sampleRate() {
                return sampleRate;
            }

            @Override
            public long lengthHint() {
                return frames;
            }

            @Override
            public int read(float[] dst, int off, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, left), buf.capacity() / blockAlign());
                buf.clear().limit(n * blockAlign());
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) {
                        throw new AudioException(file, "ends early, inside the sample data");
                    }
                }
                pos += (long) n * blockAlign();
                for (int i = 0; i < n; i++) {
                    int base = i * blockAlign();
                    float sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += sample(buf, base + c * bytes);
                    }
                    float v = sum * scale;
                    if (!Float.isFinite(v)) {
                        throw new AudioException(file, "sample " + (index + i) + " is not a finite number");
                    }
                    dst[off + i] = v;
                }
                index += n;
                left -= n;
                return n;
            }

            @Override
            public void close() {
                // the channel belongs to the caller
            }
        };
    }

    private float sample(ByteBuffer b, int at) {
        switch (encoding) {
            case UNSIGNED:
                return ((b.get(at) & 0xFF) - 128) / 128f;
            case SIGNED:
                switch (bits) {
                    case 8: return b.get(at) / 128f;
                    case 16: return b.getShort(at) / 32768f;
                    case 24: {
                        int v = bigEndian
                                ? b.get(at) << 16 | (b.get(at + 1) & 0xFF) << 8 | (b.get(at + 2) & 0xFF)
                                : (b.get(at) & 0xFF) | (b.get(at + 1) & 0xFF) << 8 | b.get(at + 2) << 16;
                        return v / 8388608f;
                    }
                    default: return (float) (b.getInt(at) / 2147483648.0);
                }
            case FLOAT:
                return bits == 32 ? b.getFloat(at) : (float) b.getDouble(at);
            case ALAW:
                return G711.alaw(b.get(at)) / 32768f;
            default:
                return G711.mulaw(b.get(at)) / 32768f;
        }
    }
}
