package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The audio track of an MP4/M4A file (ISO/IEC 14496-12 and -14), sample by sample: AAC (the
 * AudioSpecificConfig from {@code esds}) or ALAC (its 24-byte configuration), from the sample tables of
 * {@code moov} ({@code stsd}, {@code stsz}/{@code stz2}, {@code stsc}, {@code stco}/{@code co64},
 * {@code elst}) and from movie fragments ({@code moof}/{@code traf}/{@code tfhd}/{@code trun}, with
 * {@code trex} defaults), as browsers and emo4j's live stream write them.
 *
 * <p>Bounded like the Ogg and EBML readers: every size and count is checked against the bytes that hold
 * it before anything is allocated; only the boxes on the track's path are opened, so metadata
 * ({@code udta}, {@code meta}, {@code ilst}) is skipped by its size and never parsed; nesting is fixed by
 * that path; every loop advances by at least one box or one sample; and the samples together may not
 * claim more bytes than the file holds.
 */
final class Mp4Demuxer implements AutoCloseable {
    /** Largest {@code moov} read: it is held in memory while the track is read. */
    static final long MAX_MOOV = 64L << 20;
    /** Largest {@code moof} read. */
    static final long MAX_MOOF = 4L << 20;
    /** Largest sample: an AAC frame is at most 6144 bits a channel, an ALAC packet a frame of raw samples. */
    static final int MAX_SAMPLE = 4 << 20;

    /** The codecs read. */
    enum Codec { AAC, ALAC }

    private final Path file;
    private final FileChannel ch;
    private final long fileSize;
    private final Codec codec;
    private final byte[] config;
    private final int trackId;
    private final long mediaTimescale;
    private final long priming;
    /** trex defaults for this track: sample size, or 0. */
    private final long trexSize;
    /** The sample tables of moov, or null when moov lists no samples. */
    private final Tables tables;
    /** The next top-level box to look at for a fragment. */
    private long topLevel;
    /** The current fragment's samples. */
    private long[] fragOffsets = new long[0];
    private int[] fragSizes = new int[0];
    private int fragCount;
    private int fragNext;
    /** Sample bytes handed out so far: at most the file's size, or the index is lying. */
    private long bytesOut;

    /** The current sample: {@code bytes[0, length)}. */
    byte[] bytes = new byte[0];
    int length;

    private Mp4Demuxer(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.fileSize = ch.size();
        ByteBuffer moov = null;
        long pos = 0;
        while (pos + 8 <= fileSize) {
            long[] box = topBox(pos);
            if (box[2] == type("moov")) {
                if (box[1] > MAX_MOOV) {
                    throw new AudioException(file, "MP4 header (moov) of " + box[1] + " bytes is larger than "
                            + (MAX_MOOV >> 20) + " MB");
                }
                moov = read(pos + box[0], (int) (box[1] - box[0]));
                topLevel = pos + box[1];
                break;
            }
            pos += box[1];
        }
        if (moov == null) {
            throw new AudioException(file, "MP4 file has no moov box (not a complete MP4 file)");
        }
        Boxes m = new Boxes(moov, 0, moov.limit(), "moov");
        Boxes trak = null;
        Boxes stbl = null;
        Boxes entry = null;
        for (Boxes t = m.next("trak"); t != null; t = m.next("trak")) {
            Boxes mdia = t.child("mdia");
            Boxes hdlr = mdia == null ? null : mdia.child("hdlr");
            if (hdlr == null || hdlr.size() < 12 || hdlr.buf.getInt(hdlr.start + 8) != type("soun")) {
                continue;
            }
            Boxes minf = mdia.child("minf");
            stbl = minf == null ? null : minf.child("stbl");
            Boxes stsd = stbl == null ? null : stbl.child("stsd");
            if (stsd == null || stsd.size() < 16) {
                throw new AudioException(file, "MP4 audio track has no sample description (stsd)");
            }
            entry = new Boxes(stsd.buf, stsd.start + 8, stsd.end, "stsd").next(null);
            trak = t;
            break;
        }
        if (trak == null || entry == null) {
            throw new AudioException(file, "MP4 file has no audio track");
        }
        Boxes tkhd = trak.child("tkhd");
        if (tkhd == null || tkhd.size() < 24) {
            throw new AudioException(file, "MP4 audio track has no track header (tkhd)");
        }
        trackId = tkhd.buf.getInt(tkhd.start + ((tkhd.buf.get(tkhd.start) & 0xFF) == 1 ? 20 : 12));
        Boxes mdhd = trak.child("mdia").child("mdhd");
        if (mdhd == null || mdhd.size() < 24) {
            throw new AudioException(file, "MP4 audio track has no media header (mdhd)");
        }
        mediaTimescale = Integer.toUnsignedLong(mdhd.buf.getInt(mdhd.start + ((mdhd.buf.get(mdhd.start) & 0xFF) == 1 ? 20 : 12)));
        if (mediaTimescale == 0) {
            throw new AudioException(file, "MP4 audio track has a media timescale of 0");
        }
        // the entry: AudioSampleEntry's 28 bytes (QuickTime's version 1 and 2 add 16 and 36), then boxes
        int version = entry.size() >= 10 ? entry.buf.getShort(entry.start + 8) & 0xFFFF : 0;
        int header = version == 1 ? 44 : version == 2 ? 64 : 28;
        if (entry.size() < header) {
            throw new AudioException(file, "MP4 sample entry '" + entry.typeName() + "' is cut short (" + entry.size() + " bytes)");
        }
        Boxes entryBoxes = new Boxes(entry.buf, entry.start + header, entry.end, entry.typeName());
        if (entry.type == type("mp4a")) {
            codec = Codec.AAC;
            Boxes esds = entryBoxes.child("esds");
            if (esds == null) {
                Boxes wave = new Boxes(entry.buf, entry.start + header, entry.end, "mp4a").child("wave");
                esds = wave == null ? null : wave.child("esds");
            }
            if (esds == null) {
                throw new AudioException(file, "AAC track has no decoder configuration (esds)");
            }
            config = audioSpecificConfig(esds);
        } else if (entry.type == type("alac")) {
            codec = Codec.ALAC;
            Boxes alac = entryBoxes.child("alac");
            if (alac == null || alac.size() < 28) {
                throw new AudioException(file, "ALAC track has no configuration (alac box of 24 bytes)");
            }
            config = new byte[24];
            alac.buf.get(alac.start + 4, config);
        } else {
            throw new AudioException(file, "audio track is '" + entry.typeName().trim() + "'; AAC and ALAC are supported in MP4");
        }
        priming = priming(trak.child("edts"));
        tables = Tables.of(this, stbl);
        long trex = 0;
        Boxes mvex = m.child("mvex");
        if (mvex != null) {
            for (Boxes t = mvex.next("trex"); t != null; t = mvex.next("trex")) {
                if (t.size() >= 24 && t.buf.getInt(t.start + 4) == trackId) {
                    trex = Integer.toUnsignedLong(t.buf.getInt(t.start + 16));
                }
            }
        }
        trexSize = trex;
    }

    /**
     * Opens {@code file}'s audio track.
     *
     * @throws AudioException if the file is not a complete MP4 with an AAC or ALAC track, or its boxes are damaged
     */
    static Mp4Demuxer open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new Mp4Demuxer(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Codec codec() {
        return codec;
    }

    /** The decoder's configuration: AAC's AudioSpecificConfig, or ALAC's 24 bytes. */
    byte[] config() {
        return config.clone();
    }

    /** Samples at the start not to be played (the edit list's media time), at {@code rate} Hz. */
    long primingAt(int rate) {
        return priming * rate / mediaTimescale;
    }

    /**
     * Reads the next sample into {@link #bytes}.
     *
     * @return false at the end of the track
     * @throws AudioException if the index points outside the file or at more bytes than it holds
     */
    boolean next() throws IOException {
        long offset;
        int size;
        if (tables != null && tables.hasNext()) {
            offset = tables.offset;
            size = tables.size;
            tables.advance();
        } else {
            while (fragNext == fragCount) {
                if (!nextFragment()) {
                    return false;
                }
            }
            offset = fragOffsets[fragNext];
            size = fragSizes[fragNext++];
        }
        if (offset < 0 || offset + size > fileSize) {
            throw new AudioException(file, "MP4 sample at byte " + offset + " of " + size + " bytes lies outside the file ("
                    + fileSize + " bytes; truncated or corrupt)");
        }
        bytesOut += size;
        if (bytesOut > fileSize) {
            throw new AudioException(file, "MP4 index points at more sample bytes than the file holds (corrupt index)");
        }
        if (bytes.length < size) {
            bytes = new byte[Math.max(size, Math.min(MAX_SAMPLE, 2 * bytes.length))];
        }
        ByteBuffer into = ByteBuffer.wrap(bytes, 0, size);
        ch.position(offset);
        while (into.hasRemaining()) {
            if (ch.read(into) < 0) {
                throw new AudioException(file, "MP4 sample cut short by the end of the file");
            }
        }
        length = size;
        return true;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    /** Reads the next {@code moof} after the one before, and lists its samples of this track. */
    private boolean nextFragment() throws IOException {
        while (topLevel + 8 <= fileSize) {
            long start = topLevel;
            long[] box = topBox(start);
            topLevel = start + box[1];
            if (box[2] != type("moof")) {
                continue;
            }
            if (box[1] > MAX_MOOF) {
                throw new AudioException(file, "MP4 fragment header (moof) of " + box[1] + " bytes is larger than "
                        + (MAX_MOOF >> 20) + " MB");
            }
            ByteBuffer moof = read(start + box[0], (int) (box[1] - box[0]));
            fragCount = 0;
            fragNext = 0;
            Boxes boxes = new Boxes(moof, 0, moof.limit(), "moof");
            for (Boxes traf = boxes.next("traf"); traf != null; traf = boxes.next("traf")) {
                trackFragment(traf, start);
            }
            if (fragCount > 0) {
                return true;
            }
        }
        return false;
    }

    private void trackFragment(Boxes traf, long moofStart) throws AudioException {
        Boxes tfhd = traf.child("tfhd");
        if (tfhd == null || tfhd.size() < 8) {
            throw new AudioException(file, "MP4 track fragment without a header (tfhd)");
        }
        ByteBuffer b = tfhd.buf;
        int flags = b.getInt(tfhd.start) & 0xFFFFFF;
        if (b.getInt(tfhd.start + 4) != trackId) {
            return;
        }
        int at = tfhd.start + 8;
        int need = 8 + ((flags & 1) != 0 ? 8 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 8) != 0 ? 4 : 0)
                + ((flags & 0x10) != 0 ? 4 : 0) + ((flags & 0x20) != 0 ? 4 : 0);
        if (tfhd.size() < need) {
            throw new AudioException(file, "MP4 tfhd of " + tfhd.size() + " bytes; its flags need " + need);
        }
        long base = moofStart;
        if ((flags & 1) != 0) {
            base = b.getLong(at);
            at += 8;
        }
        at += (flags & 2) != 0 ? 4 : 0;
        at += (flags & 8) != 0 ? 4 : 0;
        long defaultSize = trexSize;
        if ((flags & 0x10) != 0) {
            defaultSize = Integer.toUnsignedLong(b.getInt(at));
        }
        long dataAt = base;
        for (Boxes trun = traf.next("trun"); trun != null; trun = traf.next("trun")) {
            dataAt = trackRun(trun, base, dataAt, defaultSize);
        }
    }

    /** Lists a {@code trun}'s samples; returns where the next run's data starts by default. */
    private long trackRun(Boxes trun, long base, long dataAt, long defaultSize) throws AudioException {
        ByteBuffer b = trun.buf;
        if (trun.size() < 8) {
            throw new AudioException(file, "MP4 trun cut short (" + trun.size() + " bytes)");
        }
        int flags = b.getInt(trun.start) & 0xFFFFFF;
        long count = Integer.toUnsignedLong(b.getInt(trun.start + 4));
        int at = trun.start + 8;
        int fixed = ((flags & 1) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 4 : 0);
        int each = ((flags & 0x100) != 0 ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0) + ((flags & 0x400) != 0 ? 4 : 0)
                + ((flags & 0x800) != 0 ? 4 : 0);
        if (8 + fixed + count * each > trun.size() || (each == 0 && count * Math.max(1, defaultSize) > fileSize)) {
            throw new AudioException(file, "MP4 trun claims " + count + " samples but holds room for "
                    + (each == 0 ? "none of their own" : String.valueOf((trun.size() - 8 - fixed) / each)) + " (corrupt file)");
        }
        long pos = dataAt;
        if ((flags & 1) != 0) {
            pos = base + b.getInt(at);
            at += 4;
        }
        at += (flags & 4) != 0 ? 4 : 0;
        if ((flags & 0x200) == 0 && defaultSize == 0 && count > 0) {
            throw new AudioException(file, "MP4 trun gives no sample sizes, and no default size is set");
        }
        for (long i = 0; i < count; i++) {
            at += (flags & 0x100) != 0 ? 4 : 0;
            long size = defaultSize;
            if ((flags & 0x200) != 0) {
                size = Integer.toUnsignedLong(b.getInt(at));
                at += 4;
            }
            at += (flags & 0x400) != 0 ? 4 : 0;
            at += (flags & 0x800) != 0 ? 4 : 0;
            add(pos, sampleSize(size));
            pos += size;
        }
        return pos;
    }

    private void add(long offset, int size) {
        if (fragCount == fragOffsets.length) {
            int n = Math.max(64, 2 * fragCount);
            fragOffsets = java.util.Arrays.copyOf(fragOffsets, n);
            fragSizes = java.util.Arrays.copyOf(fragSizes, n);
        }
        fragOffsets[fragCount] = offset;
        fragSizes[fragCount++] = size;
    }

    private int sampleSize(long size) throws AudioException {
        if (size > MAX_SAMPLE) {
            throw new AudioException(file, "MP4 sample of " + size + " bytes is larger than any AAC or ALAC frame "
                    + "(corrupt index)");
        }
        return (int) size;
    }

    /** The first edit's media time (the encoder's priming), in the media's timescale; 0 without one. */
    private long priming(Boxes edts) throws AudioException {
        Boxes elst = edts == null ? null : edts.child("elst");
        if (elst == null || elst.size() < 8) {
            return 0;
        }
        boolean v1 = (elst.buf.get(elst.start) & 0xFF) == 1;
        long count = Integer.toUnsignedLong(elst.buf.getInt(elst.start + 4));
        int each = v1 ? 20 : 12;
        if (8 + count * each > elst.size()) {
            throw new AudioException(file, "MP4 table 'elst' claims " + count + " entries but holds room for "
                    + (elst.size() - 8) / each + " (corrupt file)");
        }
        for (int i = 0; i < count; i++) {
            int at = elst.start + 8 + i * each;
            long mediaTime = v1 ? elst.buf.getLong(at + 8) : elst.buf.getInt(at + 4);
            if (mediaTime >= 0) {
                return mediaTime; // an empty edit (-1) is a pause before the media: the first real one counts
            }
        }
        return 0;
    }

    /** The DecoderSpecificInfo inside {@code esds}'s ES_Descriptor and DecoderConfigDescriptor (ISO/IEC 14496-1). */
    private byte[] audioSpecificConfig(Boxes esds) throws AudioException {
        ByteBuffer b = esds.buf;
        int at = esds.start + 4;
        int end = esds.end;
        // ES_Descriptor: ES_ID, flags, and what the flags add
        int[] es = descriptor(b, at, end, 0x03);
        at = es[0] + 2;
        int flags = at < es[1] ? b.get(at++) & 0xFF : 0;
        at += (flags & 0x80) != 0 ? 2 : 0;
        if ((flags & 0x40) != 0 && at < es[1]) {
            at += 1 + (b.get(at) & 0xFF);
        }
        at += (flags & 0x20) != 0 ? 2 : 0;
        int[] dc = descriptor(b, at, es[1], 0x04);
        if (dc[1] - dc[0] < 13) {
            throw new AudioException(file, "AAC decoder configuration is cut short");
        }
        int objectType = b.get(dc[0]) & 0xFF;
        if (objectType == 0x69 || objectType == 0x6B) {
            throw new AudioException(file, "audio track is MP3 in MP4; AAC and ALAC are supported in MP4");
        }
        if (objectType != 0x40 && (objectType < 0x66 || objectType > 0x68)) {
            throw new AudioException(file, String.format("audio track's object type is 0x%02x, not AAC; AAC and ALAC are "
                    + "supported in MP4", objectType));
        }
        int[] dsi = descriptor(b, dc[0] + 13, dc[1], 0x05);
        byte[] asc = new byte[dsi[1] - dsi[0]];
        b.get(dsi[0], asc);
        return asc;
    }

    /** The payload {@code [start, end)} of the descriptor with {@code tag} at {@code at}, within {@code limit}. */
    private int[] descriptor(ByteBuffer b, int at, int limit, int tag) throws AudioException {
        if (at >= limit || (b.get(at) & 0xFF) != tag) {
            throw new AudioException(file, String.format("AAC decoder configuration lacks its descriptor 0x%02x", tag));
        }
        at++;
        int size = 0;
        for (int i = 0; i < 4; i++) {
            if (at >= limit) {
                throw new AudioException(file, "AAC decoder configuration is cut short");
            }
            int c = b.get(at++) & 0xFF;
            size = size << 7 | c & 0x7F;
            if ((c & 0x80) == 0) {
                break;
            }
        }
        if (size > limit - at) {
            throw new AudioException(file, String.format("AAC descriptor 0x%02x claims %d bytes; %d remain", tag, size, limit - at));
        }
        return new int[] {at, at + size};
    }

    /** The top-level box at {@code pos}: header length, total length, type. */
    private long[] topBox(long pos) throws IOException {
        ByteBuffer h = read(pos, (int) Math.min(16, fileSize - pos));
        long len = Integer.toUnsignedLong(h.getInt(0));
        int header = 8;
        if (len == 1) {
            if (h.limit() < 16) {
                throw new AudioException(file, "MP4 box at byte " + pos + " has a cut 64-bit size");
            }
            len = h.getLong(8);
            header = 16;
        } else if (len == 0) {
            len = fileSize - pos;
        }
        if (len < header || len > fileSize - pos) {
            throw new AudioException(file, "MP4 box '" + name(h.getInt(4)) + "' at byte " + pos + " claims " + len
                    + " bytes but " + (fileSize - pos) + " remain (truncated or corrupt file)");
        }
        return new long[] {header, len, h.getInt(4)};
    }

    private ByteBuffer read(long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        ch.position(pos);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new AudioException(file, "MP4 file cut short at byte " + (pos + b.position()));
            }
        }
        return b.flip();
    }

    static int type(String fourcc) {
        byte[] b = fourcc.getBytes(StandardCharsets.ISO_8859_1);
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    static String name(int type) {
        byte[] b = {(byte) (type >>> 24), (byte) (type >>> 16), (byte) (type >>> 8), (byte) type};
        StringBuilder s = new StringBuilder();
        for (byte c : b) {
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    /**
     * The boxes in {@code buf[start, end)}, read one after another; each must fit in what remains of its
     * parent. {@link #next} advances by a whole box, so the walk ends.
     */
    private final class Boxes {
        final ByteBuffer buf;
        final int start;
        final int end;
        final String parent;
        int type;
        private int cursor;

        Boxes(ByteBuffer buf, int start, int end, String parent) {
            this.buf = buf;
            this.start = start;
            this.end = end;
            this.parent = parent;
            this.cursor = start;
        }

        int size() {
            return end - start;
        }

        String typeName() {
            return name(type);
        }

        /** The next child of type {@code want} (any type for {@code null}), its payload as a Boxes; null at the end. */
        Boxes next(String want) throws AudioException {
            while (end - cursor >= 8) {
                int at = cursor;
                long len = Integer.toUnsignedLong(buf.getInt(at));
                int t = buf.getInt(at + 4);
                int header = 8;
                if (len == 1 && end - at >= 16) {
                    len = buf.getLong(at + 8);
                    header = 16;
                } else if (len == 0) {
                    len = end - at;
                }
                if (len < header || len > end - at) {
                    throw new AudioException(file, "MP4 box '" + name(t) + "' inside '" + parent + "' claims " + len
                            + " bytes but its parent holds " + (end - at) + " (corrupt file)");
                }
                cursor = at + (int) len;
                if (want == null || t == type(want)) {
                    Boxes child = new Boxes(buf, at + header, at + (int) len, name(t));
                    child.type = t;
                    return child;
                }
            }
            return null;
        }

        /** The first child of type {@code want}, from the start, or null. */
        Boxes child(String want) throws AudioException {
            return new Boxes(buf, start, end, parent).next(want);
        }
    }

    /**
     * The sample tables of {@code moov}, walked without copying: chunk by chunk ({@code stco}/{@code co64}),
     * as many samples a chunk as {@code stsc} says, each as long as {@code stsz}/{@code stz2} says.
     */
    private static final class Tables {
        private final Mp4Demuxer mp4;
        private final ByteBuffer buf;
        private final int stsc;
        private final long stscCount;
        private final int chunkTable;
        private final long chunks;
        private final boolean co64;
        private final int sizeTable;
        private final long fixedSize;
        private final int fieldBits;
        private final long samples;
        private long sample;
        private long chunk;
        private long inChunk;
        private long perChunk;
        private int stscAt;
        long offset;
        int size;

        private Tables(Mp4Demuxer mp4, ByteBuffer buf, int stsc, long stscCount, int chunkTable, long chunks, boolean co64,
                       int sizeTable, long fixedSize, int fieldBits, long samples) throws AudioException {
            this.mp4 = mp4;
            this.buf = buf;
            this.stsc = stsc;
            this.stscCount = stscCount;
            this.chunkTable = chunkTable;
            this.chunks = chunks;
            this.co64 = co64;
            this.sizeTable = sizeTable;
            this.fixedSize = fixedSize;
            this.fieldBits = fieldBits;
            this.samples = samples;
            this.chunk = -1;
            load();
        }

        /** The tables of {@code stbl}, or null when it lists no samples (a fragmented file's moov). */
        static Tables of(Mp4Demuxer mp4, Boxes stbl) throws AudioException {
            Path file = mp4.file;
            Boxes stsz = stbl.child("stsz");
            Boxes stz2 = stsz == null ? stbl.child("stz2") : null;
            if (stsz == null && stz2 == null) {
                throw new AudioException(file, "MP4 audio track has no sample sizes (stsz or stz2)");
            }
            Boxes sizes = stsz != null ? stsz : stz2;
            if (sizes.size() < 12) {
                throw new AudioException(file, "MP4 table '" + sizes.parent + "' is cut short");
            }
            long fixed = 0;
            int bits = 32;
            if (stsz != null) {
                fixed = Integer.toUnsignedLong(stsz.buf.getInt(stsz.start + 4));
            } else {
                bits = stz2.buf.get(stz2.start + 7) & 0xFF;
                if (bits != 4 && bits != 8 && bits != 16) {
                    throw new AudioException(file, "MP4 table 'stz2' has fields of " + bits + " bits (4, 8 or 16 are allowed)");
                }
            }
            long count = Integer.toUnsignedLong(sizes.buf.getInt(sizes.start + 8));
            if (count == 0) {
                return null;
            }
            if (fixed == 0 && (count * bits + 7) / 8 > sizes.size() - 12) {
                throw new AudioException(file, "MP4 table '" + (stsz != null ? "stsz" : "stz2") + "' claims " + count
                        + " samples but holds room for " + (sizes.size() - 12) * 8L / bits + " (corrupt file)");
            }
            Boxes stco = stbl.child("stco");
            Boxes co64 = stco == null ? stbl.child("co64") : null;
            Boxes offsets = stco != null ? stco : co64;
            if (offsets == null || offsets.size() < 8) {
                throw new AudioException(file, "MP4 audio track has no chunk offsets (stco or co64)");
            }
            long chunks = Integer.toUnsignedLong(offsets.buf.getInt(offsets.start + 4));
            int each = co64 != null ? 8 : 4;
            if (chunks * each > offsets.size() - 8) {
                throw new AudioException(file, "MP4 table '" + (co64 != null ? "co64" : "stco") + "' claims " + chunks
                        + " entries but holds room for " + (offsets.size() - 8) / each + " (corrupt file)");
            }
            Boxes stsc = stbl.child("stsc");
            if (stsc == null || stsc.size() < 8) {
                throw new AudioException(file, "MP4 audio track has no sample-to-chunk table (stsc)");
            }
            long runs = Integer.toUnsignedLong(stsc.buf.getInt(stsc.start + 4));
            if (runs * 12 > stsc.size() - 8 || runs == 0) {
                throw new AudioException(file, "MP4 table 'stsc' claims " + runs + " entries but holds room for "
                        + (stsc.size() - 8) / 12 + (runs == 0 ? " and lists none" : " (corrupt file)"));
            }
            return new Tables(mp4, stsc.buf, stsc.start + 8, runs, offsets.start + 8, chunks, co64 != null,
                    sizes.start + 12, fixed, bits, count);
        }

        boolean hasNext() {
            return sample < samples && chunk < chunks;
        }

        void advance() throws AudioException {
            offset += size;
            sample++;
            inChunk++;
            if (sample < samples) {
                load();
            }
        }

        /** Sets offset and size for sample {@link #sample}, moving to the next chunks as they fill. */
        private void load() throws AudioException {
            while (chunk < 0 || inChunk >= perChunk) {
                chunk++;
                if (chunk >= chunks) {
                    return; // the sample count outran the chunks: the track ends with the last chunk
                }
                // stsc: runs of chunks (numbered from 1) with the same samples per chunk
                while (stscAt + 1 < stscCount && Integer.toUnsignedLong(buf.getInt(stsc + 12 * (stscAt + 1))) <= chunk + 1) {
                    stscAt++;
                }
                perChunk = Integer.toUnsignedLong(buf.getInt(stsc + 12 * stscAt + 4));
                inChunk = 0;
                offset = co64 ? buf.getLong(chunkTable + 8 * (int) chunk) : Integer.toUnsignedLong(buf.getInt(chunkTable + 4 * (int) chunk));
            }
            long s = fixedSize;
            if (s == 0) {
                s = switch (fieldBits) {
                    case 4 -> (buf.get(sizeTable + (int) (sample / 2)) >> (sample % 2 == 0 ? 4 : 0)) & 0xF;
                    case 8 -> buf.get(sizeTable + (int) sample) & 0xFF;
                    case 16 -> buf.getShort(sizeTable + 2 * (int) sample) & 0xFFFF;
                    default -> Integer.toUnsignedLong(buf.getInt(sizeTable + 4 * (int) sample));
                };
            }
            size = mp4.sampleSize(s);
        }
    }
}
