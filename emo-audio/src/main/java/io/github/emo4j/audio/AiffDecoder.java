package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * AIFF and AIFF-C: big-endian PCM of 8 to 32 bits, and the AIFF-C compressions {@code NONE},
 * {@code sowt} (little-endian PCM), {@code fl32}, {@code fl64}, {@code alaw} and {@code ulaw}.
 */
final class AiffDecoder {
    private AiffDecoder() {
    }

    /**
     * Decodes a AIFF or AIFF-C file, mixing all channels down to mono.
     *
     * @param file the file
     * @return the clip at the file's sample rate
     * @throws AudioException if the file is missing, malformed, or too long for the heap
     */
    public static AudioClip decode(Path file) throws AudioException {
        return PcmFiles.decode(file, AiffDecoder::locate);
    }

    /**
     * Opens a AIFF or AIFF-C file as a mono stream, for audio too long to hold at once.
     *
     * @param file the file
     * @return the stream; close it
     * @throws AudioException if the file is missing or malformed
     */
    public static AudioStream open(Path file) throws AudioException {
        return PcmFiles.open(file, AiffDecoder::locate);
    }

    static PcmFiles.Located locate(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 12) {
            throw new AudioException(file, "too short to be an AIFF file (" + fileSize + " bytes)");
        }
        ByteBuffer head = WavDecoder.readAt(ch, 0, 12, file).order(ByteOrder.BIG_ENDIAN);
        String form = WavDecoder.fourCc(head, 8);
        if (!WavDecoder.fourCc(head, 0).equals("FORM") || !(form.equals("AIFF") || form.equals("AIFC"))) {
            throw new AudioException(file, "not an AIFF file");
        }
        boolean aifc = form.equals("AIFC");
        PcmLayout layout = null;
        long frames = -1;
        long pos = 12;
        while (pos + 8 <= fileSize) {
            ByteBuffer c = WavDecoder.readAt(ch, pos, 8, file).order(ByteOrder.BIG_ENDIAN);
            String id = WavDecoder.fourCc(c, 0);
            long size = Integer.toUnsignedLong(c.getInt(4));
            long body = pos + 8;
            if (id.equals("COMM")) {
                if (size < 18 || size > 1024 || body + size > fileSize) {
                    throw new AudioException(file, "malformed COMM chunk (size " + size + ")");
                }
                ByteBuffer b = WavDecoder.readAt(ch, body, (int) size, file).order(ByteOrder.BIG_ENDIAN);
                int channels = b.getShort(0);
                frames = Integer.toUnsignedLong(b.getInt(2));
                int bits = b.getShort(6);
                double rate = extended(b, 8);
                String compression = aifc && size >= 22 ? WavDecoder.fourCc(b, 18) : "NONE";
                if (!(rate >= 1 && rate <= Integer.MAX_VALUE)) {
                    throw new AudioException(file, "unsupported sample rate " + rate + " Hz");
                }
                int r = (int) Math.round(rate);
                layout = switch (compression) {
                    case "NONE", "twos" -> new PcmLayout(PcmLayout.Encoding.SIGNED, (bits + 7) / 8 * 8, channels, r, true);
                    case "sowt" -> new PcmLayout(PcmLayout.Encoding.SIGNED, (bits + 7) / 8 * 8, channels, r, false);
                    case "fl32", "FL32" -> new PcmLayout(PcmLayout.Encoding.FLOAT, 32, channels, r, true);
                    case "fl64", "FL64" -> new PcmLayout(PcmLayout.Encoding.FLOAT, 64, channels, r, true);
                    case "alaw", "ALAW" -> new PcmLayout(PcmLayout.Encoding.ALAW, 8, channels, r, true);
                    case "ulaw", "ULAW" -> new PcmLayout(PcmLayout.Encoding.MULAW, 8, channels, r, true);
                    default -> throw new AudioException(file, "unsupported AIFF-C compression '" + compression + "'");
                };
                layout.validate(file);
            } else if (id.equals("SSND")) {
                if (layout == null) {
                    throw new AudioException(file, "sound data comes before the COMM chunk");
                }
                if (size < 8) {
                    throw new AudioException(file, "malformed SSND chunk (size " + size + ")");
                }
                long offset = Integer.toUnsignedLong(WavDecoder.readAt(ch, body, 4, file).order(ByteOrder.BIG_ENDIAN).getInt(0));
                long start = body + 8 + offset;
                long data = size - 8 - offset;
                long available = fileSize - start;
                if (data < 0 || available < 0) {
                    throw new AudioException(file, "SSND offset " + offset + " lies outside the chunk");
                }
                if (data > available) {
                    if (data - available > layout.blockAlign()) {
                        throw new AudioException(file, "sound data claims " + data + " bytes but only " + available
                                + " remain in the file (truncated or corrupt header)");
                    }
                    data = available;
                }
                if (frames * layout.blockAlign() > data + layout.blockAlign()) {
                    throw new AudioException(file, "COMM chunk claims " + frames + " sample frames but the sound data holds "
                            + data / layout.blockAlign() + " (truncated or corrupt header)");
                }
                return new PcmFiles.Located(layout, start, Math.min(data, frames * layout.blockAlign()));
            }
            pos = body + size + (size & 1);
        }
        throw new AudioException(file, layout == null ? "no COMM chunk" : "no SSND chunk");
    }

    /** An IEEE 754 80-bit extended value, as AIFF stores the sample rate. */
    static double extended(ByteBuffer b, int at) {
        int exp = b.getShort(at) & 0x7FFF;
        boolean negative = (b.getShort(at) & 0x8000) != 0;
        long mantissa = b.getLong(at + 2);
        if (exp == 0 && mantissa == 0) {
            return 0;
        }
        if (exp == 0x7FFF) {
            return Double.NaN;
        }
        double v = (mantissa >>> 11) * Math.pow(2, exp - 16383 - 52);
        return negative ? -v : v;
    }
}
