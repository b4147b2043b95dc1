package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Sun/NeXT {@code .au} files: µ-law, A-law, 8 to 32-bit PCM and float, big-endian. */
final class AuDecoder {
    private AuDecoder() {
    }

    /**
     * Decodes a Sun/NeXT AU file, mixing all channels down to mono.
     *
     * @param file the file
     * @return the clip at the file's sample rate
     * @throws AudioException if the file is missing, malformed, or too long for the heap
     */
    public static AudioClip decode(Path file) throws AudioException {
        return PcmFiles.decode(file, AuDecoder::locate);
    }

    /**
     * Opens a Sun/NeXT AU file as a mono stream, for audio too long to hold at once.
     *
     * @param file the file
     * @return the stream; close it
     * @throws AudioException if the file is missing or malformed
     */
    public static AudioStream open(Path file) throws AudioException {
        return PcmFiles.open(file, AuDecoder::locate);
    }

    static PcmFiles.Located locate(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 24) {
            throw new AudioException(file, "too short to be an AU file (" + fileSize + " bytes)");
        }
        ByteBuffer h = WavDecoder.readAt(ch, 0, 24, file).order(ByteOrder.BIG_ENDIAN);
        if (h.getInt(0) != 0x2e736e64) {
            throw new AudioException(file, "not an AU file (no .snd header)");
        }
        long offset = Integer.toUnsignedLong(h.getInt(4));
        long size = Integer.toUnsignedLong(h.getInt(8));
        int encoding = h.getInt(12);
        long rate = Integer.toUnsignedLong(h.getInt(16));
        long channels = Integer.toUnsignedLong(h.getInt(20));
        if (offset < 24 || offset > fileSize) {
            throw new AudioException(file, "data offset " + offset + " lies outside the file");
        }
        if (channels > WavDecoder.MAX_CHANNELS) {
            throw new AudioException(file, "header says " + channels + " channels (at most " + WavDecoder.MAX_CHANNELS + ")");
        }
        int r = (int) Math.min(rate, Integer.MAX_VALUE);
        PcmLayout layout = switch (encoding) {
            case 1 -> new PcmLayout(PcmLayout.Encoding.MULAW, 8, (int) channels, r, true);
            case 2 -> new PcmLayout(PcmLayout.Encoding.SIGNED, 8, (int) channels, r, true);
            case 3 -> new PcmLayout(PcmLayout.Encoding.SIGNED, 16, (int) channels, r, true);
            case 4 -> new PcmLayout(PcmLayout.Encoding.SIGNED, 24, (int) channels, r, true);
            case 5 -> new PcmLayout(PcmLayout.Encoding.SIGNED, 32, (int) channels, r, true);
            case 6 -> new PcmLayout(PcmLayout.Encoding.FLOAT, 32, (int) channels, r, true);
            case 7 -> new PcmLayout(PcmLayout.Encoding.FLOAT, 64, (int) channels, r, true);
            case 27 -> new PcmLayout(PcmLayout.Encoding.ALAW, 8, (int) channels, r, true);
            default -> throw new AudioException(file, "unsupported AU encoding " + encoding);
        };
        layout.validate(file);
        long available = fileSize - offset;
        if (size == 0xFFFFFFFFL) {
            size = available;
        } else if (size > available) {
            if (size - available > layout.blockAlign()) {
                throw new AudioException(file, "header claims " + size + " bytes of data but only " + available
                        + " remain in the file (truncated or corrupt header)");
            }
            size = available;
        }
        return new PcmFiles.Located(layout, offset, size);
    }
}
