package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes RIFF/WAVE files to a mono {@link AudioClip}: integer PCM of 8, 16, 24 and 32 bits, IEEE float
 * of 32 and 64 bits, A-law and µ-law, in plain or {@code WAVE_FORMAT_EXTENSIBLE} form. Channels are
 * averaged to mono.
 *
 * <p>Every size in the header is checked against the real file before anything is allocated, so a
 * header that lies (a 4 GB data chunk in a 1 kB file, zero channels, an absurd rate) is refused with an
 * {@link AudioException} instead of an out-of-memory error or a long read.
 */
public final class WavDecoder {

    /** Lowest and highest sample rates accepted; outside this range a header is taken to be corrupt. */
    public static final int MIN_RATE = 1_000;
    public static final int MAX_RATE = 768_000;
    static final int MAX_CHANNELS = 64;

    private static final int FMT_PCM = 1;
    private static final int FMT_FLOAT = 3;
    private static final int FMT_ALAW = 6;
    private static final int FMT_MULAW = 7;
    private static final int FMT_EXTENSIBLE = 0xFFFE;
    private static final int CHUNK_BYTES = 1 << 16;

    private WavDecoder() {
    }

    /** Decodes {@code file}, mixing all channels down to mono. */
    public static AudioClip decode(Path file) throws AudioException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return decode(ch, file);
        } catch (AudioException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new AudioException(file, "file not found");
        } catch (IOException e) {
            throw new AudioException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static AudioClip decode(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 12) {
            throw new AudioException(file, fileSize == 0 ? "empty file" : "too short to be a WAV file (" + fileSize + " bytes)");
        }
        ByteBuffer head = readAt(ch, 0, 12, file);
        String riff = fourCc(head, 0);
        if (!riff.equals("RIFF") && !riff.equals("RF64")) {
            throw new AudioException(file, "not a WAV file (no RIFF header)");
        }
        if (!fourCc(head, 8).equals("WAVE")) {
            throw new AudioException(file, "RIFF file is not of type WAVE");
        }
        Format format = null;
        long pos = 12;
        while (pos + 8 <= fileSize) {
            ByteBuffer chunk = readAt(ch, pos, 8, file);
            String id = fourCc(chunk, 0);
            long size = Integer.toUnsignedLong(chunk.getInt(4));
            long body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || size > 1024 || body + size > fileSize) {
                    throw new AudioException(file, "malformed fmt chunk (size " + size + ")");
                }
                format = Format.parse(readAt(ch, body, (int) size, file), file);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new AudioException(file, "data chunk comes before the fmt chunk");
                }
                long available = fileSize - body;
                if (size > available) {
                    // Streams written without a final size (0xFFFFFFFF) are common; others are truncated.
                    if (size != 0xFFFFFFFFL && riff.equals("RIFF") && size - available > format.blockAlign) {
                        throw new AudioException(file, "data chunk claims " + size + " bytes but only "
                                + available + " remain in the file (truncated or corrupt header)");
                    }
                    size = available;
                }
                return readSamples(ch, body, size, format, file);
            }
            pos = body + size + (size & 1);
        }
        throw new AudioException(file, format == null ? "no fmt chunk" : "no data chunk");
    }

    private static AudioClip readSamples(FileChannel ch, long start, long size, Format f, Path file) throws IOException {
        long frames = size / f.blockAlign;
        if (frames == 0) {
            throw new AudioException(file, "contains no samples");
        }
        if (frames > Integer.MAX_VALUE - 16) {
            throw new AudioException(file, "too long: " + frames + " frames exceed what one clip can hold");
        }
        float[] out = new float[(int) frames];
        int framesPerChunk = Math.max(1, CHUNK_BYTES / f.blockAlign);
        ByteBuffer buf = ByteBuffer.allocate(framesPerChunk * f.blockAlign).order(ByteOrder.LITTLE_ENDIAN);
        float scale = 1f / f.channels;
        int done = 0;
        long pos = start;
        while (done < frames) {
            int n = (int) Math.min(framesPerChunk, frames - done);
            buf.clear().limit(n * f.blockAlign);
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) {
                    throw new AudioException(file, "ends early, inside the data chunk");
                }
            }
            pos += n * f.blockAlign;
            for (int i = 0; i < n; i++) {
                int base = i * f.blockAlign;
                float sum = 0;
                for (int c = 0; c < f.channels; c++) {
                    sum += f.sample(buf, base + c * f.bytesPerSample);
                }
                float v = sum * scale;
                if (!Float.isFinite(v)) {
                    throw new AudioException(file, "sample " + (done + i) + " is not a finite number");
                }
                out[done + i] = v;
            }
            done += n;
        }
        return new AudioClip(out, f.sampleRate);
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new AudioException(file, "truncated header");
            }
        }
        return b.flip();
    }

    private static String fourCc(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) (b.get(at + i) & 0xFF);
        }
        return new String(c);
    }

    private record Format(int encoding, int channels, int sampleRate, int blockAlign, int bits, int bytesPerSample) {

        static Format parse(ByteBuffer b, Path file) throws AudioException {
            int tag = b.getShort(0) & 0xFFFF;
            int channels = b.getShort(2) & 0xFFFF;
            long rate = Integer.toUnsignedLong(b.getInt(4));
            int blockAlign = b.getShort(12) & 0xFFFF;
            int bits = b.getShort(14) & 0xFFFF;
            if (tag == FMT_EXTENSIBLE) {
                if (b.limit() < 40) {
                    throw new AudioException(file, "WAVE_FORMAT_EXTENSIBLE header is too short");
                }
                int validBits = b.getShort(18) & 0xFFFF;
                tag = b.getShort(24) & 0xFFFF; // first two bytes of the sub-format GUID carry the format tag
                if (validBits != 0 && validBits > bits) {
                    throw new AudioException(file, "valid bits " + validBits + " exceed container bits " + bits);
                }
            }
            if (channels == 0) {
                throw new AudioException(file, "header says zero channels");
            }
            if (channels > MAX_CHANNELS) {
                throw new AudioException(file, "header says " + channels + " channels (at most " + MAX_CHANNELS + ")");
            }
            if (rate < MIN_RATE || rate > MAX_RATE) {
                throw new AudioException(file, "unsupported sample rate " + rate + " Hz (accepted: "
                        + MIN_RATE + " to " + MAX_RATE + ")");
            }
            boolean ok = switch (tag) {
                case FMT_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
                case FMT_FLOAT -> bits == 32 || bits == 64;
                case FMT_ALAW, FMT_MULAW -> bits == 8;
                default -> throw new AudioException(file, "unsupported WAV encoding (format tag " + tag + ")");
            };
            if (!ok) {
                throw new AudioException(file, bits + "-bit samples are not valid for format tag " + tag);
            }
            int bytes = bits / 8;
            if (blockAlign != bytes * channels) {
                throw new AudioException(file, "block align " + blockAlign + " does not match " + channels
                        + " channels of " + bits + " bits");
            }
            return new Format(tag, channels, (int) rate, blockAlign, bits, bytes);
        }

        float sample(ByteBuffer b, int at) {
            switch (encoding) {
                case FMT_PCM:
                    switch (bits) {
                        case 8: return ((b.get(at) & 0xFF) - 128) / 128f;
                        case 16: return b.getShort(at) / 32768f;
                        case 24: {
                            int v = (b.get(at) & 0xFF) | (b.get(at + 1) & 0xFF) << 8 | b.get(at + 2) << 16;
                            return v / 8388608f;
                        }
                        default: return (float) (b.getInt(at) / 2147483648.0);
                    }
                case FMT_FLOAT:
                    return bits == 32 ? b.getFloat(at) : (float) b.getDouble(at);
                case FMT_ALAW:
                    return G711.alaw(b.get(at)) / 32768f;
                default:
                    return G711.mulaw(b.get(at)) / 32768f;
            }
        }
    }
}
