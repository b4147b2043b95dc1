package io.github.emo4j.audio;

import java.lang.reflect.Field;

/**
 * The standard's AAC tables that JCodec already ships (in its copy of JAAD): the spectral and
 * scalefactor Huffman codebooks (ISO/IEC 14496-3, tables 4.A.1 to 4.A.12) as binary trees for decoding,
 * and the scalefactor band offsets of every sample rate. Reading them from the dependency keeps one copy
 * of the tables on the class path.
 */
final class AacTables {
    /** Tuple size, largest absolute value and signedness per codebook 1..11. */
    static final int[] DIM = {0, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2};
    static final int[] LAV = {0, 1, 1, 2, 2, 4, 4, 7, 7, 12, 12, 16};
    static final boolean[] UNSIGNED = {false, false, false, true, true, false, false, true, true, true, true, true};

    /**
     * Codebook trees: node {@code n}'s children are {@code tree[2n]} (bit 0) and {@code tree[2n+1]} (bit 1);
     * a child {@code c < 0} is the leaf of entry {@code ~c}, 0 a missing branch.
     */
    static final int[][] TREE = new int[12][];
    /** The value tuple of each leaf entry, {@code VALUES[cb][entry * DIM + d]}. */
    static final int[][] VALUES = new int[12][];
    /** The scalefactor codebook's tree; leaves hold the difference + 60. */
    static final int[] SF_TREE;
    static final int[] SF_VALUES;

    /** Scalefactor band offsets per sample-rate index, long (1024) and short (128) windows, ending in the size. */
    static final int[][] SWB_LONG = new int[12][];
    static final int[][] SWB_SHORT = new int[12][];

    static {
        try {
            Class<?> books = Class.forName("net.sourceforge.jaad.aac.huffman.Codebooks");
            int[][][] codebooks = (int[][][]) field(books, "CODEBOOKS");
            for (int cb = 1; cb <= 11; cb++) {
                int[][] rows = codebooks[cb - 1];
                VALUES[cb] = new int[rows.length * DIM[cb]];
                for (int e = 0; e < rows.length; e++) {
                    System.arraycopy(rows[e], 2, VALUES[cb], e * DIM[cb], DIM[cb]);
                }
                TREE[cb] = tree(rows);
            }
            int[][] sf = (int[][]) field(books, "HCB_SF");
            SF_VALUES = new int[sf.length];
            for (int e = 0; e < sf.length; e++) {
                SF_VALUES[e] = sf[e][2];
            }
            SF_TREE = tree(sf);
            Class<?> bands = Class.forName("net.sourceforge.jaad.aac.syntax.ScaleFactorBands");
            int[][] longs = (int[][]) field(bands, "SWB_OFFSET_LONG_WINDOW");
            int[][] shorts = (int[][]) field(bands, "SWB_OFFSET_SHORT_WINDOW");
            for (int r = 0; r < 12; r++) {
                SWB_LONG[r] = upToEnd(longs[r], 1024);
                SWB_SHORT[r] = upToEnd(shorts[r], 128);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("cannot read the AAC tables from JCodec: " + e);
        }
    }

    private AacTables() {
    }

    private static Object field(Class<?> c, String name) throws ReflectiveOperationException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }

    /** The offsets up to and including {@code size} (JAAD ends its tables with -1). */
    private static int[] upToEnd(int[] offsets, int size) {
        int n = 0;
        while (offsets[n] != size) {
            n++;
        }
        return java.util.Arrays.copyOf(offsets, n + 1);
    }

    /** A binary tree of the codewords {@code rows[e] = {length, code, ...}}. */
    private static int[] tree(int[][] rows) {
        int[] t = new int[2];
        int nodes = 1;
        for (int e = 0; e < rows.length; e++) {
            int len = rows[e][0], code = rows[e][1], n = 0;
            for (int b = len - 1; b >= 0; b--) {
                int bit = code >>> b & 1;
                int slot = 2 * n + bit;
                if (b == 0) {
                    t[slot] = ~e;
                } else {
                    if (t[slot] == 0) {
                        if (2 * nodes + 2 > t.length) {
                            t = java.util.Arrays.copyOf(t, t.length * 2);
                        }
                        t[slot] = nodes++;
                    }
                    n = t[slot];
                }
            }
        }
        return java.util.Arrays.copyOf(t, 2 * nodes);
    }
}
