package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Decodes RIFF/WAVE files to a mono {@link AudioClip}: integer PCM of 8, 16, 24 and 32 bits, IEEE float
 * of 32 and 64 bits, A-law and µ-law, in plain or {@code WAVE_FORMAT_EXTENSIBLE} form. Channels are
 * averaged to mono.
 *
 * <p>Every size in the header is checked against the real file before anything is allocated, so a
 * header that lies (a 4 GB data chunk in a 1 kB file, zero channels, an absurd rate) is refused with an
 * {@link AudioException} instead of an out-of-memory error or a long read.
 */
final class WavDecoder {

    /** Lowest and highest sample rates accepted; outside this range a header is taken to be corrupt. */
    public static final int MIN_RATE = 1_000;
    /** The highest sample rate accepted. */
    public static final int MAX_RATE = 768_000;
    static final int MAX_CHANNELS = 64;

    private static final int FMT_PCM = 1;
    private static final int FMT_FLOAT = 3;
    private static final int FMT_ALAW = 6;
    private static final int FMT_MULAW = 7;
    private static final int FMT_EXTENSIBLE = 0xFFFE;

    private WavDecoder() {
    }

    /**
     * Decodes a WAV or RF64 file, mixing all channels down to mono.
     *
     * @param file the file
     * @return the clip at the file's sample rate
     * @throws AudioException if the file is missing, malformed, or too long for the heap
     */
    public static AudioClip decode(Path file) throws AudioException {
        return PcmFiles.decode(file, WavDecoder::locate);
    }

    /**
     * Opens a WAV or RF64 file as a mono stream, for audio too long to hold at once.
     *
     * @param file the file
     * @return the stream; close it
     * @throws AudioException if the file is missing or malformed
     */
    public static AudioStream open(Path file) throws AudioException {
        return PcmFiles.open(file, WavDecoder::locate);
    }

    static PcmFiles.Located locate(FileChannel ch, Path file) throws IOException {
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
        PcmLayout format = null;
        Long ds64Data = null;
        long pos = 12;
        while (pos + 8 <= fileSize) {
            ByteBuffer chunk = readAt(ch, pos, 8, file);
            String id = fourCc(chunk, 0);
            long size = Integer.toUnsignedLong(chunk.getInt(4));
            long body = pos + 8;
            if (id.equals("ds64") && riff.equals("RF64")) {
                if (size < 24 || body + size > fileSize) {
                    throw new AudioException(file, "malformed ds64 chunk (size " + size + ")");
                }
                // RF64 keeps the real data size here, the data chunk's own field being 0xFFFFFFFF
                ds64Data = readAt(ch, body, 24, file).getLong(8);
            } else if (id.equals("fmt ")) {
                if (size < 16 || size > 1024 || body + size > fileSize) {
                    throw new AudioException(file, "malformed fmt chunk (size " + size + ")");
                }
                format = parseFormat(readAt(ch, body, (int) size, file), file);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new AudioException(file, "data chunk comes before the fmt chunk");
                }
                long available = fileSize - body;
                if (size == 0xFFFFFFFFL && ds64Data != null) {
                    if (Long.compareUnsigned(ds64Data, available + format.blockAlign()) > 0) {
                        throw new AudioException(file, "ds64 chunk claims " + Long.toUnsignedString(ds64Data)
                                + " bytes of data but only " + available + " remain in the file (truncated or corrupt header)");
                    }
                    size = Math.min(ds64Data, available);
                }
                if (size > available) {
                    // Streams written without a final size (0xFFFFFFFF) are common; others are truncated.
                    if (size != 0xFFFFFFFFL && riff.equals("RIFF") && size - available > format.blockAlign()) {
                        throw new AudioException(file, "data chunk claims " + size + " bytes but only "
                                + available + " remain in the file (truncated or corrupt header)");
                    }
                    size = available;
                }
                return new PcmFiles.Located(format, body, size);
            }
            pos = body + size + (size & 1);
        }
        throw new AudioException(file, format == null ? "no fmt chunk" : "no data chunk");
    }

    static ByteBuffer readAt(FileChannel ch, long pos, int len, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new AudioException(file, "truncated header");
            }
        }
        return b.flip();
    }

    static String fourCc(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) (b.get(at + i) & 0xFF);
        }
        return new String(c);
    }

    private static PcmLayout parseFormat(ByteBuffer b, Path file) throws AudioException {
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
            tag = b.getShort(24) & 0xFFFF; // the sub-format GUID starts with the format tag
            if (validBits != 0 && validBits > bits) {
                throw new AudioException(file, "valid bits " + validBits + " exceed container bits " + bits);
            }
        }
        PcmLayout.Encoding enc = switch (tag) {
            case FMT_PCM -> bits == 8 ? PcmLayout.Encoding.UNSIGNED : PcmLayout.Encoding.SIGNED;
            case FMT_FLOAT -> PcmLayout.Encoding.FLOAT;
            case FMT_ALAW -> PcmLayout.Encoding.ALAW;
            case FMT_MULAW -> PcmLayout.Encoding.MULAW;
            default -> throw new AudioException(file, "unsupported WAV encoding (format tag " + tag + ")");
        };
        if (bits == 0 || bits % 8 != 0) {
            throw new AudioException(file, bits + "-bit samples are not valid for format tag " + tag);
        }
        PcmLayout layout = new PcmLayout(enc, bits, channels, (int) Math.min(rate, Integer.MAX_VALUE), false);
        layout.validate(file);
        if (blockAlign != layout.blockAlign()) {
            throw new AudioException(file, "block align " + blockAlign + " does not match " + channels
                    + " channels of " + bits + " bits");
        }
        return layout;
    }
}
