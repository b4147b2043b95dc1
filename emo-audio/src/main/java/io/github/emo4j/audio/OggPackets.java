package io.github.emo4j.audio;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The packets of the first logical stream of an Ogg file (RFC 3533): pages are checked by their
 * CRC-32, their segments joined into packets across page boundaries, and pages of other streams
 * skipped. Bounded: a page holds at most 255 segments of 255 bytes, and a packet may not grow past
 * {@link #MAX_PACKET}.
 */
final class OggPackets {
    static final int MAX_PACKET = 1 << 24;
    private static final int[] CRC = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int j = 0; j < 8; j++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            CRC[i] = r;
        }
    }

    private final Path file;
    private final InputStream in;
    private final byte[] header = new byte[27];
    private final byte[] lacing = new byte[255];
    private final byte[] data = new byte[255 * 255];
    private int serial;
    private boolean first = true;
    private int segments;
    private int segment;
    private int offset;
    private boolean ended;
    private long granule = -1;

    OggPackets(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** The next packet of the first stream, or {@code null} at its end. */
    byte[] next() throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        while (true) {
            if (segment == segments) {
                if (ended || !page()) {
                    if (packet.size() > 0) {
                        throw new AudioException(file, "Ogg stream ends inside a packet");
                    }
                    return null;
                }
                continue;
            }
            int length = lacing[segment++] & 0xFF;
            packet.write(data, offset, length);
            offset += length;
            if (packet.size() > MAX_PACKET) {
                throw new AudioException(file, "Ogg packet larger than " + (MAX_PACKET >> 20) + " MB");
            }
            if (length < 255) {
                return packet.toByteArray();
            }
        }
    }

    /**
     * The granule position of the page the last packet ended on: for Opus, the samples at 48 kHz up to
     * that page's end, pre-skip included; -1 ("no packet ends here") or before any page.
     */
    long granule() {
        return granule;
    }

    /** Reads pages until one of the first stream's; false at the end of the file. */
    private boolean page() throws IOException {
        while (true) {
            int got = in.readNBytes(header, 0, 27);
            if (got == 0) {
                return false;
            }
            if (got < 27) {
                throw new EOFException();
            }
            if (header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S' || header[4] != 0) {
                throw new AudioException(file, "Ogg page sync lost (no OggS version 0)");
            }
            int pageSerial = (header[14] & 0xFF) | (header[15] & 0xFF) << 8 | (header[16] & 0xFF) << 16 | (header[17] & 0xFF) << 24;
            int stored = (header[22] & 0xFF) | (header[23] & 0xFF) << 8 | (header[24] & 0xFF) << 16 | (header[25] & 0xFF) << 24;
            int count = header[26] & 0xFF;
            if (in.readNBytes(lacing, 0, count) < count) {
                throw new EOFException();
            }
            int size = 0;
            for (int i = 0; i < count; i++) {
                size += lacing[i] & 0xFF;
            }
            if (in.readNBytes(data, 0, size) < size) {
                throw new EOFException();
            }
            header[22] = header[23] = header[24] = header[25] = 0;
            int crc = crc(0, header, 27);
            crc = crc(crc, lacing, count);
            crc = crc(crc, data, size);
            if (crc != stored) {
                throw new AudioException(file, "Ogg page fails its CRC-32");
            }
            if (first) {
                serial = pageSerial;
                first = false;
            } else if (pageSerial != serial) {
                continue;
            }
            ended = (header[5] & 4) != 0;
            long g = 0;
            for (int i = 13; i >= 6; i--) {
                g = g << 8 | (header[i] & 0xFF);
            }
            granule = g;
            segments = count;
            segment = 0;
            offset = 0;
            return true;
        }
    }

    private static int crc(int crc, byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            crc = (crc << 8) ^ CRC[((crc >>> 24) ^ b[i]) & 0xFF];
        }
        return crc;
    }

    /** The FLAC-in-Ogg mapping's packets as a native FLAC stream: {@code fLaC}, the metadata, the frames. */
    static InputStream flacStream(Path file, OggPackets packets, byte[] first) throws IOException {
        if (first.length < 13 || first[0] != 0x7F || first[1] != 'F' || first[2] != 'L' || first[3] != 'A' || first[4] != 'C') {
            throw new AudioException(file, "Ogg FLAC stream without its FLAC header packet");
        }
        byte[] head = java.util.Arrays.copyOfRange(first, 9, first.length);
        return new InputStream() {
            private byte[] current = head;
            private int at;

            @Override
            public int read() throws IOException {
                return ready() ? current[at++] & 0xFF : -1;
            }

            // InputStream's own bulk read would swallow a damaged page's error after the first byte
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!ready()) {
                    return -1;
                }
                int n = Math.min(len, current.length - at);
                System.arraycopy(current, at, b, off, n);
                at += n;
                return n;
            }

            private boolean ready() throws IOException {
                while (current != null && at == current.length) {
                    current = packets.next();
                    at = 0;
                }
                return current != null;
            }
        };
    }
}
