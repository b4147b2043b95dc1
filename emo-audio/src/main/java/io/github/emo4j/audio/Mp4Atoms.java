package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jcodec.common.io.FileChannelWrapper;

/**
 * Checks an MP4 file's atom tree before JCodec parses it, so that no header can make JCodec allocate
 * what the file does not hold, loop, or recurse without end: every atom must fit inside its parent,
 * nesting is bounded, the header ({@code moov}) is bounded, and each sample table's entry count must
 * fit in the bytes of its atom.
 */
final class Mp4Atoms {
    /** Largest {@code moov} accepted: JCodec reads it whole into memory. */
    static final long MAX_MOOV = 64L << 20;
    /** Deepest nesting accepted; real files nest about eight levels. */
    static final int MAX_DEPTH = 16;

    /** Atoms whose payload is a list of atoms, as JCodec parses them. */
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "udta",
            "mvex", "tref", "wave", "sinf", "ipro", "tapt", "clip", "gmhd", "schi");
    /** Full boxes listing entries of a fixed size, by type: bytes per entry, after version, flags and count. */
    private static final Map<String, Integer> TABLES = Map.of("stco", 4, "co64", 8, "stts", 8, "stsc", 12, "ctts", 8,
            "stss", 4, "stps", 4);
    /** Audio sample entries, whose children follow a header that depends on their version. */
    private static final Set<String> AUDIO_ENTRIES = Set.of("mp4a", "enca", "alac", "samr", "sowt", "twos", "lpcm",
            "ac-3", "ec-3", "Opus", "fLaC", ".mp3");

    private Mp4Atoms() {
    }

    /** Checks {@code ch}'s atoms and leaves it at position 0; refuses a file without {@code moov}. */
    static void check(FileChannelWrapper ch, Path file) throws IOException {
        long size = ch.size();
        long pos = 0;
        boolean moov = false;
        while (pos + 8 <= size) {
            ByteBuffer h = read(ch, pos, 16);
            if (h.remaining() < 8) {
                break;
            }
            String type = type(h, 0);
            long len = Integer.toUnsignedLong(h.getInt(0));
            int header = 8;
            if (len == 1) {
                if (h.remaining() < 16) {
                    throw new AudioException(file, "truncated 64-bit size of MP4 atom '" + type + "'");
                }
                len = h.getLong(8);
                header = 16;
            } else if (len == 0) {
                len = size - pos;
            }
            if (len < header || len > size - pos) {
                throw new AudioException(file, "MP4 atom '" + type + "' claims " + len + " bytes but only "
                        + (size - pos) + " remain (truncated or corrupt file)");
            }
            if (type.equals("moov")) {
                if (len > MAX_MOOV) {
                    throw new AudioException(file, "MP4 header (moov) of " + len + " bytes is too large");
                }
                moov = true;
                ByteBuffer body = read(ch, pos + header, (int) (len - header));
                children(body, 0, body.limit(), 1, "moov", file);
            }
            pos += len;
        }
        ch.setPosition(0);
        if (!moov) {
            throw new AudioException(file, "MP4 file has no moov atom (not a complete MP4 file)");
        }
    }

    /** Checks the atoms in {@code b[start, end)}, children of {@code parent} at {@code depth}. */
    private static void children(ByteBuffer b, int start, int end, int depth, String parent, Path file) throws AudioException {
        if (depth > MAX_DEPTH) {
            throw new AudioException(file, "MP4 atoms are nested more than " + MAX_DEPTH + " deep (corrupt or hostile file)");
        }
        int pos = start;
        while (end - pos >= 8) {
            String type = type(b, pos);
            long len = Integer.toUnsignedLong(b.getInt(pos));
            int header = 8;
            if (len == 1 && end - pos >= 16) {
                len = b.getLong(pos + 8);
                header = 16;
            }
            if (len < header || len > end - pos) {
                throw new AudioException(file, "MP4 atom '" + type + "' inside '" + parent + "' claims " + len
                        + " bytes but its parent holds " + (end - pos) + " (corrupt file)");
            }
            atom(b, pos + header, pos + (int) len, type, depth, file);
            pos += (int) len;
        }
    }

    /** Checks one atom whose payload is {@code b[start, end)}. */
    private static void atom(ByteBuffer b, int start, int end, String type, int depth, Path file) throws AudioException {
        int payload = end - start;
        if (CONTAINERS.contains(type)) {
            children(b, start, end, depth + 1, type, file);
        } else if (type.equals("meta") && payload >= 4) {
            children(b, start + 4, end, depth + 1, type, file);
        } else if (type.equals("stsd")) {
            requireEntries(b, start, payload, 8, 8, type, file);
            children(b, start + 8, end, depth + 1, type, file);
        } else if (AUDIO_ENTRIES.contains(type) && payload >= 28) {
            int version = b.getShort(start + 8) & 0xFFFF;
            int header = version == 1 ? 44 : version == 2 ? 64 : 28;
            if (payload > header) {
                children(b, start + header, end, depth + 1, type, file);
            }
        } else if (type.equals("stsz")) {
            // a fixed sample size lists no entries
            if (payload >= 12 && b.getInt(start + 4) == 0) {
                requireEntries(b, start, payload, 12, 4, type, file);
            }
        } else if (type.equals("elst") && payload >= 8) {
            requireEntries(b, start, payload, 8, (b.get(start) & 0xFF) == 1 ? 20 : 12, type, file);
        } else if (TABLES.containsKey(type)) {
            requireEntries(b, start, payload, 8, TABLES.get(type), type, file);
        }
    }

    /** The entry count just before {@code b[start + headerBytes]} must fit in the rest of the payload. */
    private static void requireEntries(ByteBuffer b, int start, int payload, int headerBytes, int entryBytes, String type,
                                       Path file) throws AudioException {
        if (payload < headerBytes) {
            throw new AudioException(file, "MP4 table '" + type + "' is cut short (" + payload + " bytes)");
        }
        long count = Integer.toUnsignedLong(b.getInt(start + headerBytes - 4));
        if (count * entryBytes > payload - headerBytes) {
            throw new AudioException(file, "MP4 table '" + type + "' claims " + count + " entries but holds room for "
                    + (payload - headerBytes) / entryBytes + " (corrupt file)");
        }
    }

    private static String type(ByteBuffer b, int at) {
        return new String(new byte[] {b.get(at + 4), b.get(at + 5), b.get(at + 6), b.get(at + 7)}, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer read(FileChannelWrapper ch, long pos, int n) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(n);
        ch.setPosition(pos);
        while (h.hasRemaining() && ch.read(h) > 0) {
            // keep reading
        }
        h.flip();
        return h;
    }
}
