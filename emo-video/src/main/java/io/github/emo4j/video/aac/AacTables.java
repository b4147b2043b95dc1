package io.github.emo4j.video.aac;

import java.lang.reflect.Field;

/**
 * The AAC spectral and scalefactor Huffman codebooks (ISO/IEC 14496-3, tables 4.A.1 to 4.A.12), taken
 * at run time from the decoder tables JCodec already ships, and turned around for encoding: a
 * codeword and its length for every value tuple. Reading them from the dependency keeps one copy of
 * the standard's tables on the classpath.
 */
final class AacTables {

    /** Codebook n (1..11): code lengths and codewords indexed by {@link #index}. */
    static final int[][] LENGTH = new int[12][];
    static final int[][] CODE = new int[12][];
    /** Scalefactor codebook indexed by difference + 60. */
    static final int[] SF_LENGTH = new int[121];
    static final int[] SF_CODE = new int[121];

    /** Tuple size, largest absolute value and signedness per codebook. */
    static final int[] DIM = {0, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2};
    static final int[] LAV = {0, 1, 1, 2, 2, 4, 4, 7, 7, 12, 12, 16};
    static final boolean[] UNSIGNED = {false, false, false, true, true, false, false, true, true, true, true, true};

    static {
        try {
            Class<?> books = Class.forName("net.sourceforge.jaad.aac.huffman.Codebooks");
            Field all = books.getDeclaredField("CODEBOOKS");
            all.setAccessible(true);
            int[][][] codebooks = (int[][][]) all.get(null);
            for (int cb = 1; cb <= 11; cb++) {
                int size = 1;
                for (int d = 0; d < DIM[cb]; d++) {
                    size *= range(cb);
                }
                LENGTH[cb] = new int[size];
                CODE[cb] = new int[size];
                for (int[] row : codebooks[cb - 1]) {
                    int[] v = new int[DIM[cb]];
                    System.arraycopy(row, 2, v, 0, DIM[cb]);
                    int i = index(cb, v, 0);
                    LENGTH[cb][i] = row[0];
                    CODE[cb][i] = row[1];
                }
            }
            Field sf = books.getDeclaredField("HCB_SF");
            sf.setAccessible(true);
            for (int[] row : (int[][]) sf.get(null)) {
                SF_LENGTH[row[2]] = row[0];
                SF_CODE[row[2]] = row[1];
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("cannot read the AAC Huffman tables from JCodec: " + e);
        }
    }

    private AacTables() {
    }

    /** Values per dimension: 0..LAV for unsigned books, -LAV..LAV for signed ones. */
    static int range(int cb) {
        return UNSIGNED[cb] ? LAV[cb] + 1 : 2 * LAV[cb] + 1;
    }

    /** Index of the tuple {@code v[at .. at+DIM)} in codebook {@code cb}; unsigned books take magnitudes. */
    static int index(int cb, int[] v, int at) {
        int r = range(cb), i = 0;
        for (int d = 0; d < DIM[cb]; d++) {
            int x = v[at + d];
            i = i * r + (UNSIGNED[cb] ? Math.abs(x) : x + LAV[cb]);
        }
        return i;
    }
}
