package io.github.emo4j.video;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.IntPredicate;
import org.jcodec.codecs.h264.H264Const;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.io.VLC;

/**
 * CAVLC residual blocks of one slice's predicted macroblocks (H.264 7.3.5.3.2 and 9.2): coeff_token,
 * the trailing ones' signs, the levels, total_zeros and run_before, with the coefficient counts of the
 * blocks to the left and above that choose each block's coeff_token table. The bits are JCodec 0.2.5's
 * CAVLC writer's, from the same code tables, but a block is scanned once into reused arrays and its
 * codes are written a few at a time: JCodec's writer allocated two arrays a block, looked each run_before
 * code up through a hash map and wrote each level's prefix and suffix apart: a fifth of the CPU samples
 * of a benchmark that renders frames whose every macroblock changes and encodes them (docs/performance.md).
 *
 * <p>Block coordinates are in 4x4 blocks (luma) or 4x4 chroma blocks, rows counted from the slice's
 * top: a block on the slice's top row or left column has no neighbour there. Not thread-safe: one
 * instance a slice.
 */
final class ResidualCoder {

    /** One code table: the code and its length by symbol, right-aligned; length 0 where a symbol has none. */
    private record Table(int[] code, int[] length) {
        /**
         * The codes JCodec's table writes for symbols 0 to {@code symbols − 1} where {@code valid}: each
         * symbol is written once and read back (its tables map symbols to codes through a private map).
         */
        static Table of(VLC vlc, int symbols, IntPredicate valid) {
            int[] code = new int[symbols], length = new int[symbols];
            ByteBuffer buffer = ByteBuffer.allocate(8);
            for (int s = 0; s < symbols; s++) {
                if (!valid.test(s)) {
                    continue;
                }
                buffer.clear();
                BitWriter w = new BitWriter(buffer);
                vlc.writeVLC(w, s);
                int n = w.position();
                w.flush();
                code[s] = (int) (buffer.getLong(0) >>> (64 - n));
                length[s] = n;
            }
            return new Table(code, length);
        }

        /** A coeff_token table: symbols totalCoeff << 4 | trailingOnes, up to {@code maxCoeff} levels. */
        static Table coeffToken(VLC vlc, int maxCoeff) {
            return of(vlc, (maxCoeff << 4) + 4, s -> (s >> 4) <= maxCoeff && (s & 15) <= Math.min(3, s >> 4));
        }

        /** total_zeros tables by levels − 1, for blocks of {@code maxCoeff}: up to maxCoeff − levels zeros. */
        static Table[] totalZeros(VLC[] vlcs, int maxCoeff) {
            Table[] t = new Table[maxCoeff - 1];
            for (int i = 0; i < t.length; i++) {
                int most = maxCoeff - (i + 1);
                t[i] = of(vlcs[i], most + 1, s -> true);
            }
            return t;
        }
    }

    /** coeff_token tables by the neighbours' mean count nC, 0 to 8 (Table 9-5); 8 means 8 or more. */
    private static final Table[] COEFF_TOKEN = new Table[9];
    private static final Table CHROMA_DC_TOKEN = Table.coeffToken(H264Const.coeffTokenChromaDCY420, 4);
    /** total_zeros by levels − 1 (Tables 9-7 and 9-8) and, for chroma DC, Table 9-9. */
    private static final Table[] TOTAL_ZEROS = Table.totalZeros(H264Const.totalZeros16, 16);
    private static final Table[] TOTAL_ZEROS_CHROMA_DC = Table.totalZeros(H264Const.totalZeros4, 4);
    /** run_before tables by zeros left, 1 to 7 or more, at index zeros left − 1 (Table 9-10). */
    private static final Table[] RUN_BEFORE = new Table[7];
    /** Zig-zag order of a 4x4 block (8.5.6, frame macroblocks). */
    private static final int[] ZIGZAG = {0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15};
    /** The chroma DC block's order: raster. */
    private static final int[] RASTER = {0, 1, 2, 3};

    static {
        for (int nc = 0; nc <= 8; nc++) {
            COEFF_TOKEN[nc] = Table.coeffToken(H264Const.CoeffToken[nc], 16);
        }
        for (int i = 0; i < 7; i++) {
            // with z zeros left a run is 0 to z; the last table serves 7 and more, runs up to 14
            RUN_BEFORE[i] = Table.of(H264Const.run[i], i < 6 ? i + 2 : 15, s -> true);
        }
    }

    /** Coefficient counts of the last blocks coded, by plane: the left column's by block row, the top row's by block column. */
    private final int[][] left = {new int[4], new int[2], new int[2]};
    private final int[][] top;
    private final int[][] savedLeft = {new int[4], new int[2], new int[2]};
    private final int[][] savedTop;
    /** One block's non-zero levels in scan order and the zeros before each. */
    private final int[] levels = new int[16];
    private final int[] runs = new int[16];

    /** @param mbWidth the picture's width in macroblocks */
    ResidualCoder(int mbWidth) {
        top = new int[][] {new int[mbWidth << 2], new int[mbWidth << 1], new int[mbWidth << 1]};
        savedTop = new int[][] {new int[mbWidth << 2], new int[mbWidth << 1], new int[mbWidth << 1]};
    }

    /** Keeps the counts, for a macroblock coded on trial. */
    void save() {
        for (int p = 0; p < 3; p++) {
            System.arraycopy(left[p], 0, savedLeft[p], 0, left[p].length);
            System.arraycopy(top[p], 0, savedTop[p], 0, top[p].length);
        }
    }

    /** Puts back the counts kept by {@link #save}: the trial was not kept. */
    void restore() {
        for (int p = 0; p < 3; p++) {
            System.arraycopy(savedLeft[p], 0, left[p], 0, left[p].length);
            System.arraycopy(savedTop[p], 0, top[p], 0, top[p].length);
        }
    }

    /** Macroblock (mbX, mbY), skipped, has no coefficients: what its neighbours to the right and below count. */
    void noCoefficients(int mbX, int mbY) {
        Arrays.fill(left[0], 0);
        Arrays.fill(top[0], mbX << 2, (mbX << 2) + 4, 0);
        for (int p = 1; p < 3; p++) {
            Arrays.fill(left[p], 0);
            Arrays.fill(top[p], mbX << 1, (mbX << 1) + 2, 0);
        }
    }

    /** A luma block left out by the coded block pattern: it counts as no coefficients. */
    void noLumaCoefficients(int blkX, int blkY) {
        left[0][blkY & 3] = 0;
        top[0][blkX] = 0;
    }

    /**
     * Writes a luma 4x4 block of a P_L0_16x16 macroblock (16 levels, raster order within the block).
     *
     * @return its number of non-zero levels
     */
    int luma(BitWriter w, int blkX, int blkY, int[] coeff) {
        return block(w, 0, blkX, blkY, 3, coeff, 0);
    }

    /**
     * Writes a chroma AC block (its 15 levels after the DC, raster order within the block, index 0
     * ignored) of plane 1 (Cb) or 2 (Cr).
     */
    void chromaAc(BitWriter w, int plane, int blkX, int blkY, int[] coeff) {
        block(w, plane, blkX, blkY, 1, coeff, 1);
    }

    /** Writes a chroma DC block: the 2x2 DC levels in raster order. */
    void chromaDc(BitWriter w, int[] dc) {
        write(w, CHROMA_DC_TOKEN, TOTAL_ZEROS_CHROMA_DC, scan(dc, RASTER, 0, 4), 4);
    }

    private int block(BitWriter w, int plane, int blkX, int blkY, int rowMask, int[] coeff, int first) {
        int row = blkY & rowMask;
        boolean hasLeft = blkX != 0, hasTop = blkY != 0;
        int nA = left[plane][row], nB = top[plane][blkX];
        int nc = hasLeft && hasTop ? (nA + nB + 1) >> 1 : hasLeft ? nA : hasTop ? nB : 0;
        int count = scan(coeff, ZIGZAG, first, 16);
        write(w, COEFF_TOKEN[Math.min(nc, 8)], TOTAL_ZEROS, count, 16 - first);
        left[plane][row] = count;
        top[plane][blkX] = count;
        return count;
    }

    /**
     * Scans {@code coeff} in {@code order} from position {@code first} to {@code end − 1} into {@link #levels}
     * (its non-zero levels) and {@link #runs} (the zeros before each).
     *
     * @return the number of non-zero levels
     */
    private int scan(int[] coeff, int[] order, int first, int end) {
        int count = 0, zeros = 0;
        for (int i = first; i < end; i++) {
            int c = coeff[order[i]];
            if (c == 0) {
                zeros++;
            } else {
                runs[count] = zeros;
                levels[count++] = c;
                zeros = 0;
            }
        }
        return count;
    }

    /**
     * Writes the block scanned into {@link #levels} and {@link #runs}: {@code count} non-zero levels of
     * at most {@code max}, the zeros before each in {@link #runs}.
     */
    private void write(BitWriter w, Table token, Table[] totalZerosTable, int count, int max) {
        int ones = 0;
        while (ones < count && ones < 3 && (levels[count - 1 - ones] == 1 || levels[count - 1 - ones] == -1)) {
            ones++;
        }
        int symbol = count << 4 | ones;
        // coeff_token, then the trailing ones' signs (1 for minus), highest frequency first: at most 19 bits
        int bits = token.code[symbol], length = token.length[symbol];
        for (int i = count - 1; i >= count - ones; i--) {
            bits = bits << 1 | levels[i] >>> 31;
            length++;
        }
        w.writeNBit(bits, length);
        if (count == 0) {
            return;
        }
        writeLevels(w, count, ones);
        if (count < max) {
            int totalZeros = 0;
            for (int i = 0; i < count; i++) {
                totalZeros += runs[i];
            }
            Table tz = totalZerosTable[count - 1];
            w.writeNBit(tz.code[totalZeros], tz.length[totalZeros]);
            // run_before of each level but the lowest-frequency one, highest frequency first, while zeros are left
            for (int i = count - 1; i > 0 && totalZeros > 0; i--) {
                Table rb = RUN_BEFORE[Math.min(6, totalZeros - 1)];
                int run = runs[i];
                w.writeNBit(rb.code[run], rb.length[run]);
                totalZeros -= run;
            }
        }
    }

    /** level_prefix and level_suffix of the levels that are not trailing ones, highest frequency first (9.2.2.1). */
    private void writeLevels(BitWriter w, int count, int ones) {
        int suffixLength = count > 10 && ones < 3 ? 1 : 0;
        for (int i = count - ones - 1; i >= 0; i--) {
            int level = levels[i];
            // levelCode: 2|level| − 2 for positive levels, 2|level| − 1 for negative ones
            int code = level > 0 ? 2 * level - 2 : -2 * level - 1;
            if (i == count - ones - 1 && ones < 3) {
                // the first level after fewer than three trailing ones cannot be ±1
                code -= 2;
            }
            int prefix = code >> suffixLength;
            if (suffixLength == 0 ? prefix < 14 : prefix < 15) {
                // prefix zeros, a one, then the suffix: at most 15 + 6 bits
                int n = prefix + 1 + suffixLength;
                w.writeNBit(1 << suffixLength | code & ((1 << suffixLength) - 1), n);
            } else if (suffixLength == 0 && code < 30) {
                // level_prefix 14: a 4-bit suffix
                w.writeNBit(1 << 4 | (code - 14) & 15, 19);
            } else {
                if (suffixLength == 0) {
                    code -= 15;
                }
                // level_prefix 15 and more (escape): a suffix of prefix − 3 bits
                int len = 12, rest;
                while ((rest = code - ((len + 3) << suffixLength) - (1 << len) + 4096) >= (1 << len)) {
                    len++;
                }
                w.writeNBit(1, len + 4);
                w.writeNBit(rest, len);
            }
            if (suffixLength == 0) {
                suffixLength = 1;
            }
            if (Math.abs(level) > (3 << (suffixLength - 1)) && suffixLength < 6) {
                suffixLength++;
            }
        }
    }
}
