package io.github.emo4j.audio;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * WebM and Matroska (.webm, .mka, .mkv): the first audio track's blocks, read in file order. Opus (what
 * every browser's MediaRecorder writes) is decoded by {@link OpusPackets}, Vorbis by {@link VorbisDecoder},
 * FLAC by {@link FlacDecoder} and integer PCM directly; AAC and other codecs are refused by name.
 *
 * <p>The EBML is read flat: the elements that hold what is needed (Segment, Tracks, TrackEntry, Audio,
 * Cluster, BlockGroup) are entered, every other element is skipped by its size. That reads the
 * unknown-size Segment and Clusters live recorders write without knowing where they end.
 */
final class MatroskaDecoder {
    static final int EBML = 0x1A45DFA3;
    private static final int SEGMENT = 0x18538067, CLUSTER = 0x1F43B675, TRACKS = 0x1654AE6B, TRACK_ENTRY = 0xAE,
            AUDIO = 0xE1, BLOCK_GROUP = 0xA0, TRACK_NUMBER = 0xD7, TRACK_TYPE = 0x83, CODEC_ID = 0x86,
            CODEC_PRIVATE = 0x63A2, SAMPLING_FREQUENCY = 0xB5, CHANNELS = 0x9F, BIT_DEPTH = 0x6264,
            SIMPLE_BLOCK = 0xA3, BLOCK = 0xA1, DISCARD_PADDING = 0x75A2, CONTENT_ENCODINGS = 0x6D80;
    /** Largest element this reader holds in memory (a block, a codec's private data). */
    static final int MAX_ELEMENT = 1 << 24;
    /** Frames a laced block may hold. */
    private static final int MAX_LACED = 256;

    private final Path file;
    private final InputStream in;
    private final long fileSize;
    private long position;

    private MatroskaDecoder(Path file, InputStream in, long fileSize) {
        this.file = file;
        this.in = in;
        this.fileSize = fileSize;
    }

    /** One TrackEntry as far as it matters here. */
    private static final class Track {
        long number = -1;
        long type = -1;
        String codec = "";
        byte[] codecPrivate;
        double rate = 8000;
        long channels = 1;
        long bitDepth;
        boolean encoded;
    }

    static AudioClip decode(Path file) throws AudioException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return new MatroskaDecoder(file, in, Files.size(file)).read();
        } catch (AudioException e) {
            throw e;
        } catch (EOFException e) {
            throw new AudioException(file, "WebM/Matroska data ends in the middle of an element");
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
    }

    private AudioClip read() throws IOException {
        if (readId() != EBML) {
            throw new AudioException(file, "not an EBML file");
        }
        skip(readSize(EBML));
        List<Track> tracks = new ArrayList<>();
        Track current = null, audio = null;
        Sink sink = null;
        long padding = 0;
        while (true) {
            long start = position;
            int id;
            try {
                id = readId();
            } catch (EOFException e) {
                if (position == start) {
                    break;
                }
                throw e;
            }
            long size = readSize(id);
            switch (id) {
                case SEGMENT, CLUSTER, TRACKS, AUDIO, BLOCK_GROUP -> {
                    // entered: their children follow
                }
                case TRACK_ENTRY -> {
                    current = new Track();
                    tracks.add(current);
                }
                case TRACK_NUMBER -> number(current, size, t -> t.number = uint(size));
                case TRACK_TYPE -> number(current, size, t -> t.type = uint(size));
                case CODEC_ID -> number(current, size, t -> t.codec = new String(bytes(size), StandardCharsets.US_ASCII).trim());
                case CODEC_PRIVATE -> number(current, size, t -> t.codecPrivate = bytes(size));
                case SAMPLING_FREQUENCY -> number(current, size, t -> t.rate = real(size));
                case CHANNELS -> number(current, size, t -> t.channels = uint(size));
                case BIT_DEPTH -> number(current, size, t -> t.bitDepth = uint(size));
                case CONTENT_ENCODINGS -> number(current, size, t -> {
                    t.encoded = true;
                    skip(size);
                });
                case DISCARD_PADDING -> padding = sint(size);
                case SIMPLE_BLOCK, BLOCK -> {
                    if (audio == null) {
                        audio = audioTrack(tracks);
                        sink = sink(audio);
                    }
                    block(bytes(size), audio, sink);
                }
                default -> skip(size);
            }
        }
        if (audio == null) {
            audio = audioTrack(tracks);
            sink = sink(audio);
        }
        return sink.finish(padding);
    }

    private interface Field {
        void set(Track t) throws IOException;
    }

    private void number(Track t, long size, Field f) throws IOException {
        if (t == null) {
            skip(size);
        } else {
            f.set(t);
        }
    }

    private Track audioTrack(List<Track> tracks) throws AudioException {
        for (Track t : tracks) {
            if (t.type == 2) {
                if (t.encoded) {
                    throw new AudioException(file, "WebM/Matroska audio track is compressed or encrypted (ContentEncodings), which is not supported");
                }
                return t;
            }
        }
        throw new AudioException(file, tracks.isEmpty() ? "WebM/Matroska file has no tracks before its first block"
                : "WebM/Matroska file has no audio track");
    }

    /** Where an audio track's frames go. */
    private interface Sink {
        void frame(byte[] b, int off, int len) throws IOException;

        AudioClip finish(long paddingNanos) throws IOException;
    }

    private Sink sink(Track t) throws AudioException {
        switch (t.codec) {
            case "A_OPUS" -> {
                if (t.codecPrivate == null) {
                    throw new AudioException(file, "WebM/Matroska Opus track has no OpusHead (CodecPrivate)");
                }
                OpusPackets opus = new OpusPackets(file, t.codecPrivate);
                return new Sink() {
                    public void frame(byte[] b, int off, int len) throws IOException {
                        opus.decode(b, off, len);
                    }

                    public AudioClip finish(long paddingNanos) throws IOException {
                        long drop = Math.max(0, Math.round(paddingNanos * (OpusPackets.RATE / 1e9)));
                        return opus.finish(Math.max(0, opus.decodedSamples() - opus.preSkip() - drop));
                    }
                };
            }
            case "A_FLAC" -> {
                if (t.codecPrivate == null || t.codecPrivate.length < 4) {
                    throw new AudioException(file, "WebM/Matroska FLAC track has no stream header (CodecPrivate)");
                }
                ByteArrayOutputStream flac = new ByteArrayOutputStream();
                flac.writeBytes(t.codecPrivate);
                return new Sink() {
                    public void frame(byte[] b, int off, int len) throws AudioException {
                        if (flac.size() + (long) len > DecodeBudget.maxSamples()) {
                            throw new AudioException(file, "WebM/Matroska FLAC track too long for the heap");
                        }
                        flac.write(b, off, len);
                    }

                    public AudioClip finish(long paddingNanos) throws IOException {
                        return FlacDecoder.decode(file, new java.io.ByteArrayInputStream(flac.toByteArray()));
                    }
                };
            }
            case "A_PCM/INT/LIT" -> {
                return pcm(t);
            }
            case "A_VORBIS" -> {
                byte[][] headers = xiphHeaders(t.codecPrivate);
                VorbisDecoder vorbis = new VorbisDecoder(file, headers[0], headers[1], headers[2]);
                return new Sink() {
                    public void frame(byte[] b, int off, int len) throws IOException {
                        vorbis.decode(b, off, len);
                    }

                    public AudioClip finish(long paddingNanos) throws IOException {
                        return vorbis.finish(-1);
                    }
                };
            }
            default -> throw new AudioException(file, "WebM/Matroska audio codec " + (t.codec.isEmpty() ? "(none)" : t.codec)
                    + " is not supported (A_OPUS, A_VORBIS, A_FLAC and A_PCM/INT/LIT are)");
        }
    }

    /** Vorbis' three headers from CodecPrivate: a count, Xiph-laced sizes of all but the last, the packets. */
    private byte[][] xiphHeaders(byte[] p) throws AudioException {
        if (p == null || p.length < 3 || (p[0] & 0xFF) != 2) {
            throw new AudioException(file, "WebM/Matroska Vorbis track lacks its three headers (CodecPrivate)");
        }
        int at = 1;
        int[] sizes = new int[3];
        for (int i = 0; i < 2; i++) {
            int v;
            do {
                if (at >= p.length) {
                    throw new AudioException(file, "WebM/Matroska Vorbis headers' sizes run past CodecPrivate");
                }
                v = p[at++] & 0xFF;
                sizes[i] += v;
            } while (v == 255);
        }
        sizes[2] = p.length - at - sizes[0] - sizes[1];
        if (sizes[2] < 0) {
            throw new AudioException(file, "WebM/Matroska Vorbis headers are longer than CodecPrivate");
        }
        byte[][] h = new byte[3][];
        for (int i = 0; i < 3; i++) {
            h[i] = java.util.Arrays.copyOfRange(p, at, at + sizes[i]);
            at += sizes[i];
        }
        return h;
    }

    private Sink pcm(Track t) throws AudioException {
        int bits = (int) t.bitDepth;
        if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw new AudioException(file, "WebM/Matroska PCM of " + bits + " bits is not supported (8, 16, 24, 32 are)");
        }
        if (t.channels < 1 || t.channels > WavDecoder.MAX_CHANNELS) {
            throw new AudioException(file, "WebM/Matroska PCM with " + t.channels + " channels");
        }
        int rate = (int) Math.round(t.rate);
        if (rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
            throw new AudioException(file, "WebM/Matroska PCM at " + t.rate + " Hz");
        }
        int channels = (int) t.channels, width = bits / 8;
        MonoSamples out = new MonoSamples(file);
        return new Sink() {
            public void frame(byte[] b, int off, int len) throws AudioException {
                int n = len / (width * channels);
                float[] data = out.room(n, rate);
                int at = out.size();
                double full = Math.pow(2, bits - 1);
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int c = 0; c < channels; c++) {
                        int p = off + (i * channels + c) * width;
                        long v = 0;
                        for (int k = width - 1; k >= 0; k--) {
                            v = v << 8 | (b[p + k] & 0xFF);
                        }
                        sum += bits == 8 ? v - 128 : (v << (64 - bits)) >> (64 - bits);
                    }
                    data[at + i] = (float) (sum / (channels * full));
                }
                out.added(n);
            }

            public AudioClip finish(long paddingNanos) throws AudioException {
                if (out.size() == 0) {
                    throw new AudioException(file, "WebM/Matroska PCM track holds no samples");
                }
                return out.clip(0, out.size(), rate);
            }
        };
    }

    /** A block's frames (Matroska's lacing: none, Xiph, fixed-size or EBML) to the sink, if it is the audio track's. */
    private void block(byte[] b, Track audio, Sink sink) throws IOException {
        int[] pos = {0};
        long track = vint(b, pos, false);
        if (track != audio.number) {
            return;
        }
        if (pos[0] + 3 > b.length) {
            throw new AudioException(file, "WebM/Matroska block shorter than its header");
        }
        int flags = b[pos[0] + 2] & 0xFF;
        pos[0] += 3;
        int lacing = (flags >> 1) & 3;
        if (lacing == 0) {
            sink.frame(b, pos[0], b.length - pos[0]);
            return;
        }
        int frames = (b[pos[0]++] & 0xFF) + 1;
        if (frames > MAX_LACED) {
            throw new AudioException(file, "WebM/Matroska block laces more than " + MAX_LACED + " frames");
        }
        int[] sizes = new int[frames];
        if (lacing == 2) {
            if ((b.length - pos[0]) % frames != 0) {
                throw new AudioException(file, "WebM/Matroska fixed-size lacing does not divide the block");
            }
            java.util.Arrays.fill(sizes, (b.length - pos[0]) / frames);
        } else {
            long sum = 0;
            for (int i = 0; i < frames - 1; i++) {
                if (lacing == 1) {
                    int s = 0, v;
                    do {
                        if (pos[0] >= b.length) {
                            throw new AudioException(file, "WebM/Matroska Xiph lacing runs past its block");
                        }
                        v = b[pos[0]++] & 0xFF;
                        s += v;
                    } while (v == 255);
                    sizes[i] = s;
                } else {
                    long v = i == 0 ? vint(b, pos, false) : sizes[i - 1] + vint(b, pos, true);
                    if (v < 0 || v > b.length) {
                        throw new AudioException(file, "WebM/Matroska EBML lacing gives a frame of " + v + " bytes");
                    }
                    sizes[i] = (int) v;
                }
                sum += sizes[i];
            }
            long last = b.length - pos[0] - sum;
            if (last < 0) {
                throw new AudioException(file, "WebM/Matroska laced frames are longer than their block");
            }
            sizes[frames - 1] = (int) last;
        }
        for (int s : sizes) {
            if (pos[0] + s > b.length) {
                throw new AudioException(file, "WebM/Matroska laced frames are longer than their block");
            }
            sink.frame(b, pos[0], s);
            pos[0] += s;
        }
    }

    /** A variable-size integer inside a block; signed ones (EBML lacing differences) are centred on zero. */
    private long vint(byte[] b, int[] pos, boolean signed) throws AudioException {
        if (pos[0] >= b.length) {
            throw new AudioException(file, "WebM/Matroska block ends inside a number");
        }
        int first = b[pos[0]] & 0xFF;
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || len > 8 || pos[0] + len > b.length) {
            throw new AudioException(file, "WebM/Matroska block holds a malformed number");
        }
        long v = first & (0xFF >> len);
        for (int i = 1; i < len; i++) {
            v = v << 8 | (b[pos[0] + i] & 0xFF);
        }
        pos[0] += len;
        return signed ? v - ((1L << (7 * len - 1)) - 1) : v;
    }

    private int readId() throws IOException {
        int first = next();
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || len > 4) {
            throw new AudioException(file, String.format("WebM/Matroska element ID malformed at byte %d", position - 1));
        }
        int id = first;
        for (int i = 1; i < len; i++) {
            id = id << 8 | next();
        }
        return id;
    }

    /** An element's size, checked against what is left of the file; -1 for "unknown". */
    private long readSize(int id) throws IOException {
        int first = next();
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || len > 8) {
            throw new AudioException(file, String.format("WebM/Matroska element size malformed at byte %d", position - 1));
        }
        long v = first & (0xFF >> len);
        boolean allOnes = v == (0xFF >> len);
        for (int i = 1; i < len; i++) {
            int x = next();
            allOnes &= x == 0xFF;
            v = v << 8 | x;
        }
        if (allOnes) {
            if (id == SEGMENT || id == CLUSTER) {
                return -1;
            }
            throw new AudioException(file, String.format("WebM/Matroska element 0x%X has an unknown size", id));
        }
        if (v > fileSize - position) {
            throw new AudioException(file, String.format("WebM/Matroska element 0x%X claims %d bytes, more than the file has left", id, v));
        }
        return v;
    }

    private int next() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        position++;
        return b;
    }

    private byte[] bytes(long size) throws IOException {
        if (size > MAX_ELEMENT) {
            throw new AudioException(file, "WebM/Matroska element of " + size + " bytes, more than " + (MAX_ELEMENT >> 20) + " MB");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length < size) {
            throw new EOFException();
        }
        position += size;
        return b;
    }

    private void skip(long size) throws IOException {
        if (size < 0) {
            throw new AudioException(file, "WebM/Matroska element of unknown size cannot be skipped");
        }
        long left = size;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                s = 1;
            }
            left -= s;
        }
        position += size;
    }

    private long uint(long size) throws IOException {
        if (size > 8) {
            throw new AudioException(file, "WebM/Matroska integer of " + size + " bytes");
        }
        long v = 0;
        for (byte x : bytes(size)) {
            v = v << 8 | (x & 0xFF);
        }
        return v;
    }

    private long sint(long size) throws IOException {
        long v = uint(size);
        return size == 0 || size == 8 ? v : (v << (64 - 8 * size)) >> (64 - 8 * size);
    }

    private double real(long size) throws IOException {
        if (size == 4) {
            return Float.intBitsToFloat((int) uint(4));
        }
        if (size == 8) {
            return Double.longBitsToDouble(uint(8));
        }
        throw new AudioException(file, "WebM/Matroska float of " + size + " bytes");
    }
}
