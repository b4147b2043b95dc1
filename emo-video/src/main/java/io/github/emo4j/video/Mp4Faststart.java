package io.github.emo4j.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Moves an MP4's {@code moov} box in front of {@code mdat}, so a browser can start playing before the
 * whole file has arrived ("faststart"), shifting every chunk offset by the size of the moved box. It
 * also zeroes the creation and modification times JCodec stamps from the clock, so the same render
 * always gives the same bytes.
 */
final class Mp4Faststart {

    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl");
    private static final long MAX_MOOV = 256L << 20;

    private Mp4Faststart() {
    }

    private record Box(String type, long start, long size) {
    }

    /**
     * Writes an MP4 rearranged so that its {@code moov} comes before its media data, with chunk offsets
     * moved to match.
     *
     * @param in  the MP4 as written
     * @param out where the rearranged copy goes
     * @throws IOException if either file cannot be read or written, or {@code in} is not such an MP4
     */
    public static void rewrite(Path in, Path out) throws IOException {
        try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ);
             FileChannel dst = FileChannel.open(out, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            List<Box> top = boxes(src, in);
            Box moov = top.stream().filter(b -> b.type.equals("moov")).findFirst()
                    .orElseThrow(() -> new IOException(in + ": no moov box"));
            if (moov.size > MAX_MOOV) {
                throw new IOException(in + ": moov of " + moov.size + " bytes is too large");
            }
            ByteBuffer m = ByteBuffer.allocate((int) moov.size);
            read(src, m, moov.start);
            long shift = 0;
            for (Box b : top) {
                if (b.type.equals("mdat") && b.start < moov.start) {
                    shift = moov.size;
                }
            }
            patch(m, 8, m.limit(), shift, in);
            // ftyp first, then moov, then everything else in its order
            for (Box b : top) {
                if (b.type.equals("ftyp")) {
                    copy(src, dst, b);
                }
            }
            m.rewind();
            while (m.hasRemaining()) {
                dst.write(m);
            }
            for (Box b : top) {
                if (!b.type.equals("ftyp") && !b.type.equals("moov")) {
                    copy(src, dst, b);
                }
            }
        }
    }

    private static void copy(FileChannel src, FileChannel dst, Box b) throws IOException {
        long done = 0;
        while (done < b.size) {
            done += src.transferTo(b.start + done, b.size - done, dst);
        }
    }

    private static void read(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        b.flip();
    }

    private static List<Box> boxes(FileChannel ch, Path file) throws IOException {
        List<Box> out = new ArrayList<>();
        long pos = 0, size = ch.size();
        ByteBuffer h = ByteBuffer.allocate(16);
        while (pos + 8 <= size) {
            h.clear().limit((int) Math.min(16, size - pos));
            read(ch, h, pos);
            long len = Integer.toUnsignedLong(h.getInt(0));
            String type = new String(new byte[] {h.get(4), h.get(5), h.get(6), h.get(7)}, StandardCharsets.ISO_8859_1);
            if (len == 1) {
                len = h.getLong(8);
            } else if (len == 0) {
                len = size - pos;
            }
            if (len < 8 || pos + len > size) {
                throw new IOException(file + ": box '" + type + "' runs past the end of the file");
            }
            out.add(new Box(type, pos, len));
            pos += len;
        }
        return out;
    }

    /** Walks the boxes in {@code m[from, to)}: shifts chunk offsets and zeroes clock times. */
    private static void patch(ByteBuffer m, int from, int to, long shift, Path file) throws IOException {
        int pos = from;
        while (pos + 8 <= to) {
            long len = Integer.toUnsignedLong(m.getInt(pos));
            String type = new String(new byte[] {m.get(pos + 4), m.get(pos + 5), m.get(pos + 6), m.get(pos + 7)},
                    StandardCharsets.ISO_8859_1);
            if (len < 8 || pos + len > to) {
                throw new IOException(file + ": malformed box '" + type + "' inside moov");
            }
            int body = pos + 8;
            switch (type) {
                case "stco" -> {
                    int n = m.getInt(body + 4);
                    for (int i = 0; i < n; i++) {
                        int at = body + 8 + 4 * i;
                        long v = Integer.toUnsignedLong(m.getInt(at)) + shift;
                        if (v > 0xFFFFFFFFL) {
                            throw new IOException(file + ": chunk offset overflows 32 bits after faststart");
                        }
                        m.putInt(at, (int) v);
                    }
                }
                case "co64" -> {
                    int n = m.getInt(body + 4);
                    for (int i = 0; i < n; i++) {
                        int at = body + 8 + 8 * i;
                        m.putLong(at, m.getLong(at) + shift);
                    }
                }
                case "mvhd", "tkhd", "mdhd" -> {
                    // full box: version, flags, then creation and modification times
                    if (m.get(body) == 1) {
                        m.putLong(body + 4, 0).putLong(body + 12, 0);
                    } else {
                        m.putInt(body + 4, 0).putInt(body + 8, 0);
                    }
                }
                default -> {
                    if (CONTAINERS.contains(type)) {
                        patch(m, body, (int) (pos + len), shift, file);
                    }
                }
            }
            pos += (int) len;
        }
    }
}
