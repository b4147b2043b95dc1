package io.github.emo4j.audio;

import java.lang.reflect.Field;

/**
 * The standard's MPEG audio Layer III tables (ISO/IEC 11172-3 and 13818-3) that JCodec ships: the
 * Huffman codebooks of the big values and of the count1 quadruples, the scalefactor band boundaries of
 * the nine sample rates, and the synthesis window D. Read from the dependency, as {@link AacTables} reads
 * the AAC tables, to keep one copy of them on the class path; everything that is a formula is computed.
 */
final class Mp3Tables {
    /** Huffman trees of tables 0..31 (null where the table codes nothing); leaves hold {@code x << 4 | y}. */
    static final int[][] BIG = new int[32][];
    /** Linbits of tables 0..31. */
    static final int[] LINBITS = new int[32];
    /** Count1 tables A and B; leaves hold {@code v << 3 | w << 2 | x << 1 | y}. */
    static final int[] COUNT1_A;
    static final int[] COUNT1_B;
    /** Long and short scalefactor band boundaries by sample-rate index (0-2 MPEG-2, 3-5 MPEG-1, 6-8 MPEG-2.5). */
    static final int[][] SFB_LONG;
    static final int[][] SFB_SHORT;
    /** The synthesis window D[0..511] in the standard's order. */
    static final float[] WINDOW = new float[512];

    static {
        try {
            Class<?> c = Class.forName("org.jcodec.codecs.mpa.MpaConst");
            Object[] vlcs = (Object[]) field(c, "bigValVlc");
            int[] esc = (int[]) field(c, "bigValEscBits");
            for (int t = 0; t < 32; t++) {
                LINBITS[t] = esc[t];
                BIG[t] = vlcs[t] == null ? null : tree(vlcs[t]);
            }
            COUNT1_A = tree(field(c, "cnt1A"));
            COUNT1_B = tree(field(c, "cnt1B"));
            SFB_LONG = (int[][]) field(c, "sfbLong");
            SFB_SHORT = (int[][]) field(c, "sfbShort");
            // JCodec keeps D by phase: its dp[16 p + j] is the standard's D[32 j + p]
            float[] dp = (float[]) field(c, "dp");
            for (int p = 0; p < 32; p++) {
                for (int j = 0; j < 16; j++) {
                    WINDOW[32 * j + p] = dp[16 * p + j];
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("cannot read the MP3 tables from JCodec: " + e);
        }
    }

    private Mp3Tables() {
    }

    private static Object field(Class<?> c, String name) throws ReflectiveOperationException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }

    /**
     * A decoding tree from one of JCodec's VLC tables: node {@code n}'s children are {@code tree[2n]} (bit 0)
     * and {@code tree[2n+1]} (bit 1); a child {@code c < 0} is a leaf holding the value {@code ~c}, 0 a
     * missing branch.
     */
    private static int[] tree(Object vlc) throws ReflectiveOperationException {
        int[] codes = (int[]) vlc.getClass().getMethod("getCodes").invoke(vlc);
        int[] sizes = (int[]) vlc.getClass().getMethod("getCodeSizes").invoke(vlc);
        Field self = vlc.getClass().getDeclaredField("val$self");
        self.setAccessible(true);
        Object builder = self.get(vlc);
        Field inv = builder.getClass().getDeclaredField("inverse");
        inv.setAccessible(true);
        Object inverse = inv.get(builder);
        java.lang.reflect.Method get = inverse.getClass().getMethod("get", int.class);
        int[] t = new int[4];
        int nodes = 1;
        for (int i = 0; i < codes.length; i++) {
            int value = (Integer) get.invoke(inverse, i);
            int node = 0;
            // JCodec keeps each code left-aligned in 32 bits
            for (int k = 0; k < sizes[i]; k++) {
                int bit = codes[i] >>> (31 - k) & 1;
                int slot = 2 * node + bit;
                if (k == sizes[i] - 1) {
                    t[slot] = ~value;
                } else {
                    if (t[slot] == 0) {
                        if (2 * nodes + 2 > t.length) {
                            t = java.util.Arrays.copyOf(t, t.length * 2);
                        }
                        t[slot] = nodes++;
                    }
                    node = t[slot];
                }
            }
        }
        return t;
    }
}
