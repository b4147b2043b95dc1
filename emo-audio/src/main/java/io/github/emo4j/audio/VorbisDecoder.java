package io.github.emo4j.audio;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Vorbis I (the Xiph.Org specification) from its three header packets and audio packets to mono samples:
 * Huffman codebooks with their vector lookups, floor type 1, residue types 0, 1 and 2, channel coupling,
 * the inverse MDCT with Vorbis' power-sine windows of two block sizes, and overlap-add. Floor type 0,
 * which no encoder in use writes, is refused by name. Every count and size in the setup is checked
 * before anything is allocated from it.
 */
final class VorbisDecoder {
    /** Largest codebook vector table held, in values. */
    private static final long MAX_LOOKUP = 1 << 22;

    private final Path file;
    private final int channels;
    final int rate;
    private final int[] blocksize = new int[2];
    private final Imdct[] imdct = new Imdct[2];
    private final float[][] slope = new float[2][];
    private Codebook[] books;
    private Floor[] floors;
    private Residue[] residues;
    private Mapping[] mappings;
    private int[] modeBlockflag;
    private int[] modeMapping;

    private float[][] previous;
    private int previousSize;
    private final MonoSamples out;
    private long packets;

    VorbisDecoder(Path file, byte[] id, byte[] comment, byte[] setup) throws AudioException {
        this.file = file;
        this.out = new MonoSamples(file);
        if (id == null || id.length < 30 || id[0] != 1 || !new String(id, 1, 6, StandardCharsets.US_ASCII).equals("vorbis")) {
            throw new AudioException(file, "Vorbis identification header missing or shorter than 30 bytes");
        }
        Bits b = new Bits(id, 7, id.length - 7);
        int version = b.read(32);
        channels = b.read(8);
        rate = b.read(32);
        b.read(32);
        b.read(32);
        b.read(32);
        blocksize[0] = 1 << b.read(4);
        blocksize[1] = 1 << b.read(4);
        if (version != 0) {
            throw new AudioException(file, "Vorbis version " + Integer.toUnsignedString(version) + " is not Vorbis I (0)");
        }
        if (channels < 1 || channels > 8) {
            throw new AudioException(file, "Vorbis stream of " + channels + " channels (1 to 8 are read)");
        }
        if (rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
            throw new AudioException(file, "Vorbis sample rate " + Integer.toUnsignedString(rate) + " Hz out of range");
        }
        if (blocksize[0] < 64 || blocksize[1] > 8192 || blocksize[0] > blocksize[1]) {
            throw new AudioException(file, "Vorbis block sizes " + blocksize[0] + " and " + blocksize[1] + " are not valid");
        }
        if (comment == null || comment.length < 7 || comment[0] != 3) {
            throw new AudioException(file, "Vorbis comment header missing");
        }
        if (setup == null || setup.length < 7 || setup[0] != 5 || !new String(setup, 1, 6, StandardCharsets.US_ASCII).equals("vorbis")) {
            throw new AudioException(file, "Vorbis setup header missing");
        }
        for (int i = 0; i < 2; i++) {
            imdct[i] = new Imdct(blocksize[i]);
            slope[i] = new float[blocksize[i] / 2];
            for (int k = 0; k < slope[i].length; k++) {
                double s = Math.sin((k + 0.5) / slope[i].length * Math.PI / 2);
                slope[i][k] = (float) Math.sin(Math.PI / 2 * s * s);
            }
        }
        try {
            readSetup(new Bits(setup, 7, setup.length - 7));
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new AudioException(file, "Vorbis setup header ends early");
        }
    }

    // ---- setup ----

    private static final class Codebook {
        int dims, entries;
        int[] tree;
        float[] lookup;
    }

    private static final class Floor {
        int[] partitionClass;
        int[] classDims, classSubclasses, classMasterbook;
        int[][] subclassBooks;
        int multiplier;
        int[] x;
        int[] sorted;
        int[] low, high;
    }

    private static final class Residue {
        int type, begin, end, partitionSize, classifications, classbook;
        int[][] books;
    }

    private static final class Mapping {
        int[] magnitude, angle;
        int[] mux;
        int[] submapFloor, submapResidue;
    }

    private AudioException bad(String what) {
        return new AudioException(file, "Vorbis setup: " + what);
    }

    private void readSetup(Bits b) throws AudioException {
        books = new Codebook[b.read(8) + 1];
        for (int i = 0; i < books.length; i++) {
            books[i] = readCodebook(b, i);
        }
        int times = b.read(6) + 1;
        for (int i = 0; i < times; i++) {
            if (b.read(16) != 0) {
                throw bad("time domain transform is not 0");
            }
        }
        floors = new Floor[b.read(6) + 1];
        for (int i = 0; i < floors.length; i++) {
            int type = b.read(16);
            if (type == 0) {
                throw new AudioException(file, "Vorbis floor type 0 is not supported (type 1 is what encoders write)");
            }
            if (type != 1) {
                throw bad("floor type " + type);
            }
            floors[i] = readFloor(b);
        }
        residues = new Residue[b.read(6) + 1];
        for (int i = 0; i < residues.length; i++) {
            residues[i] = readResidue(b);
        }
        mappings = new Mapping[b.read(6) + 1];
        for (int i = 0; i < mappings.length; i++) {
            mappings[i] = readMapping(b);
        }
        int modes = b.read(6) + 1;
        modeBlockflag = new int[modes];
        modeMapping = new int[modes];
        for (int i = 0; i < modes; i++) {
            modeBlockflag[i] = b.read(1);
            if (b.read(16) != 0 || b.read(16) != 0) {
                throw bad("mode window or transform type is not 0");
            }
            modeMapping[i] = b.read(8);
            if (modeMapping[i] >= mappings.length) {
                throw bad("mode " + i + " names mapping " + modeMapping[i] + " of " + mappings.length);
            }
        }
        if (b.read(1) != 1) {
            throw bad("framing bit not set");
        }
    }

    private Codebook readCodebook(Bits b, int index) throws AudioException {
        if (b.read(24) != 0x564342) {
            throw bad("codebook " + index + " lacks its sync pattern");
        }
        Codebook c = new Codebook();
        c.dims = b.read(16);
        c.entries = b.read(24);
        if (c.dims < 1 || c.entries < 1) {
            throw bad("codebook " + index + " of " + c.dims + " dimensions and " + c.entries + " entries");
        }
        if ((long) c.entries > 8L * b.left() + 8) {
            throw bad("codebook " + index + " claims " + c.entries + " entries, more than the header could describe");
        }
        int[] lengths = new int[c.entries];
        if (b.read(1) == 0) {
            boolean sparse = b.read(1) == 1;
            for (int e = 0; e < c.entries; e++) {
                lengths[e] = !sparse || b.read(1) == 1 ? b.read(5) + 1 : 0;
            }
        } else {
            int e = 0, length = b.read(5) + 1;
            while (e < c.entries) {
                int n = b.read(ilog(c.entries - e));
                if (e + n > c.entries || length > 32) {
                    throw bad("codebook " + index + " lengths overrun its entries");
                }
                Arrays.fill(lengths, e, e + n, length);
                e += n;
                length++;
            }
        }
        c.tree = tree(lengths, index);
        int lookup = b.read(4);
        if (lookup == 1 || lookup == 2) {
            float min = float32(b.read(32)), delta = float32(b.read(32));
            int bits = b.read(4) + 1;
            boolean sequence = b.read(1) == 1;
            long values = lookup == 1 ? lookup1Values(c.entries, c.dims) : (long) c.entries * c.dims;
            if (values * bits > 8L * b.left() || (long) c.entries * c.dims > MAX_LOOKUP) {
                throw bad("codebook " + index + " vector table of " + values + " values is too large");
            }
            int[] mult = new int[(int) values];
            for (int i = 0; i < values; i++) {
                mult[i] = b.read(bits);
            }
            c.lookup = new float[c.entries * c.dims];
            for (int e = 0; e < c.entries; e++) {
                float last = 0;
                long divisor = 1;
                for (int d = 0; d < c.dims; d++) {
                    int offset = lookup == 1 ? (int) ((e / divisor) % values) : e * c.dims + d;
                    float v = mult[offset] * delta + min + last;
                    if (sequence) {
                        last = v;
                    }
                    c.lookup[e * c.dims + d] = v;
                    divisor *= values;
                    if (divisor > Integer.MAX_VALUE) {
                        divisor = Integer.MAX_VALUE;
                    }
                }
            }
        } else if (lookup != 0) {
            throw bad("codebook " + index + " lookup type " + lookup);
        }
        return c;
    }

    /** The largest r with r^dims ≤ entries. */
    static long lookup1Values(int entries, int dims) {
        long r = (long) Math.floor(Math.pow(entries, 1.0 / dims));
        while (Math.pow(r + 1, dims) <= entries) {
            r++;
        }
        while (r > 0 && Math.pow(r, dims) > entries) {
            r--;
        }
        return r;
    }

    private static float float32(int x) {
        int mantissa = x & 0x1FFFFF, exponent = (x >>> 21) & 0x3FF;
        double m = (x & 0x80000000) != 0 ? -mantissa : mantissa;
        return (float) (m * Math.pow(2, exponent - 788));
    }

    static int ilog(int x) {
        return x <= 0 ? 0 : 32 - Integer.numberOfLeadingZeros(x);
    }

    /**
     * The codewords of {@code lengths} as the specification assigns them (each entry, in order, the
     * lowest free codeword of its length) in a binary tree; node {@code n}'s children are {@code t[2n]}
     * and {@code t[2n+1]}, a leaf {@code ~entry}.
     */
    private int[] tree(int[] lengths, int index) throws AudioException {
        int[] available = new int[33];
        int[] t = new int[2];
        int nodes = 1;
        boolean first = true;
        int used = 0;
        for (int e = 0; e < lengths.length; e++) {
            int len = lengths[e];
            if (len == 0) {
                continue;
            }
            used++;
            int code;
            if (first) {
                code = 0;
                // the first codeword is all zeros; the sibling at every depth down to it is free
                for (int i = 1; i <= len; i++) {
                    available[i] = 1 << (32 - i);
                }
                first = false;
            } else {
                int z = len;
                while (z > 0 && available[z] == 0) {
                    z--;
                }
                if (z == 0) {
                    throw bad("codebook " + index + " is overspecified");
                }
                code = available[z];
                available[z] = 0;
                for (int y = len; y > z; y--) {
                    available[y] = code + (1 << (32 - y));
                }
            }
            // insert the len top bits of code, most significant first
            int n = 0;
            for (int i = 0; i < len; i++) {
                int bit = (code >>> (31 - i)) & 1;
                int slot = 2 * n + bit;
                if (i == len - 1) {
                    t[slot] = ~e;
                } else {
                    if (t[slot] < 0) {
                        throw bad("codebook " + index + " has a codeword that prefixes another");
                    }
                    if (t[slot] == 0) {
                        if (2 * nodes + 2 > t.length) {
                            t = Arrays.copyOf(t, Math.max(4, t.length * 2));
                        }
                        t[slot] = nodes++;
                    }
                    n = t[slot];
                }
            }
        }
        if (used == 1 && lengths.length > 0) {
            // a single codeword: both branches lead to it
            for (int i = 0; i < 2; i++) {
                if (t[i] == 0) {
                    t[i] = t[1 - i];
                }
            }
        }
        return Arrays.copyOf(t, Math.max(2, 2 * nodes));
    }

    private Floor readFloor(Bits b) throws AudioException {
        Floor f = new Floor();
        int partitions = b.read(5);
        f.partitionClass = new int[partitions];
        int maxClass = -1;
        for (int p = 0; p < partitions; p++) {
            f.partitionClass[p] = b.read(4);
            maxClass = Math.max(maxClass, f.partitionClass[p]);
        }
        f.classDims = new int[maxClass + 1];
        f.classSubclasses = new int[maxClass + 1];
        f.classMasterbook = new int[maxClass + 1];
        f.subclassBooks = new int[maxClass + 1][];
        for (int c = 0; c <= maxClass; c++) {
            f.classDims[c] = b.read(3) + 1;
            f.classSubclasses[c] = b.read(2);
            if (f.classSubclasses[c] > 0) {
                f.classMasterbook[c] = book(b.read(8));
            }
            f.subclassBooks[c] = new int[1 << f.classSubclasses[c]];
            for (int j = 0; j < f.subclassBooks[c].length; j++) {
                int bk = b.read(8) - 1;
                f.subclassBooks[c][j] = bk < 0 ? -1 : book(bk);
            }
        }
        f.multiplier = b.read(2) + 1;
        int rangeBits = b.read(4);
        int count = 2;
        for (int p = 0; p < partitions; p++) {
            count += f.classDims[f.partitionClass[p]];
        }
        if (count > 65) {
            throw bad("floor of " + count + " points (at most 65)");
        }
        f.x = new int[count];
        f.x[1] = 1 << rangeBits;
        int at = 2;
        for (int p = 0; p < partitions; p++) {
            for (int j = 0; j < f.classDims[f.partitionClass[p]]; j++) {
                f.x[at++] = b.read(rangeBits);
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Integer.compare(f.x[p], f.x[q]));
        f.sorted = new int[count];
        for (int i = 0; i < count; i++) {
            f.sorted[i] = order[i];
            if (i > 0 && f.x[order[i]] == f.x[order[i - 1]]) {
                throw bad("floor with two points at x " + f.x[order[i]]);
            }
        }
        f.low = new int[count];
        f.high = new int[count];
        for (int i = 2; i < count; i++) {
            int lo = -1, hi = -1;
            for (int j = 0; j < i; j++) {
                if (f.x[j] < f.x[i] && (lo < 0 || f.x[j] > f.x[lo])) {
                    lo = j;
                }
                if (f.x[j] > f.x[i] && (hi < 0 || f.x[j] < f.x[hi])) {
                    hi = j;
                }
            }
            f.low[i] = lo;
            f.high[i] = hi;
        }
        return f;
    }

    private int book(int i) throws AudioException {
        if (i >= books.length) {
            throw bad("codebook " + i + " of " + books.length + " named");
        }
        return i;
    }

    private Residue readResidue(Bits b) throws AudioException {
        Residue r = new Residue();
        r.type = b.read(16);
        if (r.type > 2) {
            throw bad("residue type " + r.type);
        }
        r.begin = b.read(24);
        r.end = b.read(24);
        r.partitionSize = b.read(24) + 1;
        r.classifications = b.read(6) + 1;
        r.classbook = book(b.read(8));
        int[] cascade = new int[r.classifications];
        for (int c = 0; c < r.classifications; c++) {
            int low = b.read(3);
            cascade[c] = b.read(1) == 1 ? b.read(5) << 3 | low : low;
        }
        r.books = new int[r.classifications][8];
        for (int c = 0; c < r.classifications; c++) {
            for (int j = 0; j < 8; j++) {
                r.books[c][j] = (cascade[c] >> j & 1) == 1 ? book(b.read(8)) : -1;
            }
        }
        if (books[r.classbook].dims < 1) {
            throw bad("residue classbook without dimensions");
        }
        return r;
    }

    private Mapping readMapping(Bits b) throws AudioException {
        if (b.read(16) != 0) {
            throw bad("mapping type is not 0");
        }
        Mapping m = new Mapping();
        int submaps = b.read(1) == 1 ? b.read(4) + 1 : 1;
        int steps = b.read(1) == 1 ? b.read(8) + 1 : 0;
        m.magnitude = new int[steps];
        m.angle = new int[steps];
        int bits = ilog(channels - 1);
        for (int s = 0; s < steps; s++) {
            m.magnitude[s] = b.read(bits);
            m.angle[s] = b.read(bits);
            if (m.magnitude[s] == m.angle[s] || m.magnitude[s] >= channels || m.angle[s] >= channels) {
                throw bad("coupling of channels " + m.magnitude[s] + " and " + m.angle[s]);
            }
        }
        if (b.read(2) != 0) {
            throw bad("mapping reserved bits set");
        }
        m.mux = new int[channels];
        if (submaps > 1) {
            for (int c = 0; c < channels; c++) {
                m.mux[c] = b.read(4);
                if (m.mux[c] >= submaps) {
                    throw bad("channel mapped to submap " + m.mux[c] + " of " + submaps);
                }
            }
        }
        m.submapFloor = new int[submaps];
        m.submapResidue = new int[submaps];
        for (int s = 0; s < submaps; s++) {
            b.read(8);
            m.submapFloor[s] = b.read(8);
            m.submapResidue[s] = b.read(8);
            if (m.submapFloor[s] >= floors.length || m.submapResidue[s] >= residues.length) {
                throw bad("submap names floor " + m.submapFloor[s] + " or residue " + m.submapResidue[s] + " that is not there");
            }
        }
        return m;
    }

    // ---- audio ----

    /** Decodes one audio packet and keeps its samples. Packets that are not audio are refused. */
    void decode(byte[] packet, int offset, int length) throws AudioException {
        packets++;
        if (length == 0) {
            return;
        }
        Bits b = new Bits(packet, offset, length);
        try {
            if (b.read(1) != 0) {
                throw new AudioException(file, "Vorbis packet " + packets + " is not an audio packet");
            }
            int mode = b.read(ilog(modeBlockflag.length - 1));
            if (mode >= modeBlockflag.length) {
                throw new AudioException(file, "Vorbis packet " + packets + " names mode " + mode);
            }
            int flag = modeBlockflag[mode];
            int n = blocksize[flag];
            boolean prevLong = true, nextLong = true;
            if (flag == 1) {
                prevLong = b.read(1) == 1;
                nextLong = b.read(1) == 1;
            }
            float[][] spectrum = audio(b, mappings[modeMapping[mode]], n);
            window(spectrum, n, flag, prevLong, nextLong);
        } catch (ArrayIndexOutOfBoundsException e) {
            // a packet that ends early is legal: the rest of its values are zero; what was read stands
            throw new AudioException(file, "Vorbis packet " + packets + " ends inside its floor or residue");
        }
    }

    private float[][] audio(Bits b, Mapping m, int n) throws AudioException {
        int half = n / 2;
        float[][] floor = new float[channels][];
        boolean[] noResidue = new boolean[channels];
        for (int c = 0; c < channels; c++) {
            try {
                floor[c] = floorCurve(b, floors[m.submapFloor[m.mux[c]]], half);
            } catch (ArrayIndexOutOfBoundsException e) {
                // the packet ended inside the floor: the channel is unused (the specification's rule)
                floor[c] = null;
            }
            noResidue[c] = floor[c] == null;
        }
        for (int s = 0; s < m.magnitude.length; s++) {
            if (!noResidue[m.magnitude[s]] || !noResidue[m.angle[s]]) {
                noResidue[m.magnitude[s]] = false;
                noResidue[m.angle[s]] = false;
            }
        }
        float[][] v = new float[channels][half];
        for (int s = 0; s < m.submapResidue.length; s++) {
            int count = 0;
            for (int c = 0; c < channels; c++) {
                if (m.mux[c] == s) {
                    count++;
                }
            }
            float[][] bundle = new float[count][];
            boolean[] skip = new boolean[count];
            for (int c = 0, j = 0; c < channels; c++) {
                if (m.mux[c] == s) {
                    bundle[j] = v[c];
                    skip[j++] = noResidue[c];
                }
            }
            try {
                residue(b, residues[m.submapResidue[s]], bundle, skip, half);
            } catch (ArrayIndexOutOfBoundsException e) {
                // the packet ended inside the residue: what was decoded stands, the rest is zero
            }
        }
        for (int s = m.magnitude.length - 1; s >= 0; s--) {
            float[] mag = v[m.magnitude[s]], ang = v[m.angle[s]];
            for (int i = 0; i < half; i++) {
                float mv = mag[i], av = ang[i];
                if (mv > 0) {
                    if (av > 0) {
                        ang[i] = mv - av;
                    } else {
                        ang[i] = mv;
                        mag[i] = mv + av;
                    }
                } else {
                    if (av > 0) {
                        ang[i] = mv + av;
                    } else {
                        ang[i] = mv;
                        mag[i] = mv - av;
                    }
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            if (floor[c] == null) {
                Arrays.fill(v[c], 0f);
            } else {
                for (int i = 0; i < half; i++) {
                    v[c][i] *= floor[c][i];
                }
            }
        }
        return v;
    }

    private int scalar(Bits b, int book) throws AudioException {
        int[] t = books[book].tree;
        int n = 0;
        while (true) {
            int c = t[2 * n + b.read(1)];
            if (c < 0) {
                return ~c;
            }
            if (c == 0) {
                throw new AudioException(file, "Vorbis packet " + packets + " holds a word codebook " + book + " does not have");
            }
            n = c;
        }
    }

    /** The floor curve of one channel, or null when the channel is unused in this packet. */
    private float[] floorCurve(Bits b, Floor f, int half) throws AudioException {
        if (b.read(1) == 0) {
            return null;
        }
        int range = new int[]{256, 128, 86, 64}[f.multiplier - 1];
        int count = f.x.length;
        int[] y = new int[count];
        int bits = ilog(range - 1);
        y[0] = b.read(bits);
        y[1] = b.read(bits);
        int at = 2;
        for (int cls : f.partitionClass) {
            int dims = f.classDims[cls], cbits = f.classSubclasses[cls], csub = (1 << cbits) - 1;
            int cval = cbits > 0 ? scalar(b, f.classMasterbook[cls]) : 0;
            for (int j = 0; j < dims; j++) {
                int book = f.subclassBooks[cls][cval & csub];
                cval >>>= cbits;
                y[at++] = book >= 0 ? scalar(b, book) : 0;
            }
        }
        // amplitude values: predicted from the neighbours, corrected by what was coded
        int[] fy = new int[count];
        boolean[] step2 = new boolean[count];
        fy[0] = y[0];
        fy[1] = y[1];
        step2[0] = step2[1] = true;
        for (int i = 2; i < count; i++) {
            int lo = f.low[i], hi = f.high[i];
            int predicted = renderPoint(f.x[lo], fy[lo], f.x[hi], fy[hi], f.x[i]);
            int val = y[i], highroom = range - predicted, lowroom = predicted;
            int room = 2 * Math.min(highroom, lowroom);
            if (val != 0) {
                step2[lo] = step2[hi] = step2[i] = true;
                if (val >= room) {
                    fy[i] = highroom > lowroom ? val - lowroom + predicted : predicted - val + highroom - 1;
                } else {
                    fy[i] = (val & 1) == 1 ? predicted - ((val + 1) >> 1) : predicted + (val >> 1);
                }
            } else {
                fy[i] = predicted;
            }
        }
        // the curve: line segments between the points that count, through the inverse dB table
        int[] curve = new int[half];
        int lx = 0, ly = clamp(fy[f.sorted[0]] * f.multiplier), hx = 0, hy = ly;
        for (int k = 1; k < count; k++) {
            int i = f.sorted[k];
            if (step2[i]) {
                hy = clamp(fy[i] * f.multiplier);
                hx = f.x[i];
                renderLine(lx, ly, hx, hy, curve);
                lx = hx;
                ly = hy;
            }
        }
        for (int x = Math.max(hx, 0); x < half; x++) {
            curve[x] = hy;
        }
        float[] out = new float[half];
        for (int x = 0; x < half; x++) {
            out[x] = INVERSE_DB[curve[x]];
        }
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static int renderPoint(int x0, int y0, int x1, int y1, int x) {
        int dy = y1 - y0, adx = x1 - x0, ady = Math.abs(dy);
        int off = ady * (x - x0) / adx;
        return dy < 0 ? y0 - off : y0 + off;
    }

    private static void renderLine(int x0, int y0, int x1, int y1, int[] v) {
        int dy = y1 - y0, adx = x1 - x0, ady = Math.abs(dy);
        if (adx <= 0) {
            return;
        }
        int base = dy / adx, sy = dy < 0 ? base - 1 : base + 1;
        ady -= Math.abs(base) * adx;
        int y = y0, err = 0;
        if (x0 < v.length && x0 >= 0) {
            v[x0] = y;
        }
        for (int x = x0 + 1; x < x1 && x < v.length; x++) {
            err += ady;
            if (err >= adx) {
                err -= adx;
                y += sy;
            } else {
                y += base;
            }
            v[x] = y;
        }
    }

    private void residue(Bits b, Residue r, float[][] vectors, boolean[] skip, int half) throws AudioException {
        int ch = vectors.length;
        if (r.type == 2) {
            boolean all = true;
            for (boolean s : skip) {
                all &= s;
            }
            if (all) {
                return;
            }
            float[] joint = new float[ch * half];
            decodePartitions(b, r, new float[][]{joint}, new boolean[]{false}, ch * half);
            for (int i = 0; i < half; i++) {
                for (int c = 0; c < ch; c++) {
                    vectors[c][i] += joint[i * ch + c];
                }
            }
            return;
        }
        decodePartitions(b, r, vectors, skip, half);
    }

    private void decodePartitions(Bits b, Residue r, float[][] v, boolean[] skip, int size) throws AudioException {
        int begin = Math.min(r.begin, size), end = Math.min(r.end, size);
        int perWord = books[r.classbook].dims;
        int partitions = Math.max(0, end - begin) / r.partitionSize;
        if (partitions == 0) {
            return;
        }
        int[][] classes = new int[v.length][partitions + perWord];
        for (int pass = 0; pass < 8; pass++) {
            int p = 0;
            while (p < partitions) {
                if (pass == 0) {
                    for (int j = 0; j < v.length; j++) {
                        if (skip[j]) {
                            continue;
                        }
                        int temp = scalar(b, r.classbook);
                        for (int i = perWord - 1; i >= 0; i--) {
                            classes[j][p + i] = temp % r.classifications;
                            temp /= r.classifications;
                        }
                    }
                }
                for (int i = 0; i < perWord && p < partitions; i++, p++) {
                    for (int j = 0; j < v.length; j++) {
                        if (skip[j]) {
                            continue;
                        }
                        int book = r.books[classes[j][p]][pass];
                        if (book >= 0) {
                            partition(b, r.type, books[book], book, v[j], begin + p * r.partitionSize, r.partitionSize);
                        }
                    }
                }
            }
        }
    }

    private void partition(Bits b, int type, Codebook c, int book, float[] v, int offset, int size) throws AudioException {
        if (c.lookup == null) {
            throw new AudioException(file, "Vorbis residue uses codebook " + book + ", which has no vectors");
        }
        int dims = c.dims;
        if (type == 0) {
            int step = size / dims;
            for (int i = 0; i < step; i++) {
                int e = scalar(b, book);
                for (int j = 0; j < dims; j++) {
                    v[offset + i + j * step] += c.lookup[e * dims + j];
                }
            }
        } else {
            int i = 0;
            while (i < size) {
                int e = scalar(b, book);
                for (int j = 0; j < dims && i < size; j++) {
                    v[offset + i++] += c.lookup[e * dims + j];
                }
            }
        }
    }

    /** Inverse MDCT, the block's window, and overlap-add with the previous block's right half. */
    private void window(float[][] spectrum, int n, int flag, boolean prevLong, boolean nextLong) throws AudioException {
        float[][] block = new float[channels][n];
        for (int c = 0; c < channels; c++) {
            imdct[flag].inverse(spectrum[c], 0, block[c]);
            for (int i = 0; i < n; i++) {
                block[c][i] *= n * VORBIS_SCALE;
            }
        }
        int leftSize = flag == 1 && !prevLong ? blocksize[0] / 2 : n / 2;
        int rightSize = flag == 1 && !nextLong ? blocksize[0] / 2 : n / 2;
        float[] leftSlope = slope[leftSize == blocksize[0] / 2 ? 0 : 1], rightSlope = slope[rightSize == blocksize[0] / 2 ? 0 : 1];
        int leftStart = n / 4 - leftSize / 2, rightStart = 3 * n / 4 - rightSize / 2;
        for (int c = 0; c < channels; c++) {
            float[] x = block[c];
            for (int i = 0; i < n / 2; i++) {
                x[i] *= i < leftStart ? 0 : i < leftStart + leftSize ? leftSlope[i - leftStart] : 1;
            }
            for (int i = n / 2; i < n; i++) {
                x[i] *= i < rightStart ? 1 : i < rightStart + rightSize ? rightSlope[rightSize - 1 - (i - rightStart)] : 0;
            }
        }
        if (previous != null) {
            int pn = previousSize, count = pn / 4 + n / 4;
            float[] data = out.room(count, rate);
            int at = out.size();
            float scale = 1f / channels;
            for (int t = 0; t < count; t++) {
                float sum = 0;
                int p = pn / 2 + t, q = t - pn / 4 + n / 4;
                for (int c = 0; c < channels; c++) {
                    if (p < pn) {
                        sum += previous[c][p - pn / 2];
                    }
                    if (q >= 0 && q < n / 2) {
                        sum += block[c][q];
                    }
                }
                data[at + t] = sum * scale;
            }
            out.added(count);
        }
        previous = new float[channels][];
        for (int c = 0; c < channels; c++) {
            previous[c] = Arrays.copyOfRange(block[c], n / 2, n);
        }
        previousSize = n;
    }

    /** The clip, ended at {@code total} samples when the container says where the stream ends (-1 if not). */
    AudioClip finish(long total) throws AudioException {
        int size = out.size();
        if (size == 0) {
            throw new AudioException(file, "Vorbis stream holds no audio");
        }
        int end = total < 0 ? size : (int) Math.min(size, total);
        if (end <= 0) {
            throw new AudioException(file, "Vorbis stream ends before its first sample");
        }
        return out.clip(0, end, rate);
    }

    /** The IMDCT here carries a 2/N factor that Vorbis' transform does not have; times N/2 undoes it. */
    private static final float VORBIS_SCALE = 0.5f;

    /** floor1_inverse_dB_table: 256 steps of 140/256 dB up to 1.0. */
    private static final float[] INVERSE_DB = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            INVERSE_DB[i] = (float) Math.pow(10, (i - 255) * (140.0 / 256) / 20);
        }
    }

    /** LSB-first bits, as Vorbis packs them. */
    private static final class Bits {
        private final byte[] data;
        private final long end;
        private long pos;

        Bits(byte[] data, int offset, int length) {
            this.data = data;
            this.pos = 8L * offset;
            this.end = 8L * (offset + length);
        }

        int read(int n) {
            if (n == 0) {
                return 0;
            }
            if (pos + n > end) {
                pos = end;
                throw new ArrayIndexOutOfBoundsException();
            }
            long v = 0;
            for (int i = 0; i < n; i++, pos++) {
                v |= (long) (data[(int) (pos >> 3)] >> (pos & 7) & 1) << i;
            }
            return (int) v;
        }

        long left() {
            return (end - pos) / 8;
        }
    }
}
