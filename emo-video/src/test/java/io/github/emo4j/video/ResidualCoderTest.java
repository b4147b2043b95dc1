package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.H264Const;
import org.jcodec.codecs.h264.decode.CoeffTransformer;
import org.jcodec.codecs.h264.io.CAVLC;
import org.jcodec.codecs.h264.io.model.MBType;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.model.ColorSpace;
import org.junit.jupiter.api.Test;

/**
 * {@link ResidualCoder} against JCodec 0.2.5's CAVLC writer, the coder it replaces for predicted
 * macroblocks: the same blocks, in the same order and neighbourhoods, must give the same bits. The blocks
 * cover every count of levels and trailing ones, every coeff_token table (the neighbours' mean count from
 * 0 to 16), runs of every length, and levels that need each of level_prefix's escapes.
 */
class ResidualCoderTest {

    private static final int MB_WIDTH = 6;
    private static final int MB_ROWS = 5;

    /** A random block: {@code count} non-zero levels at random places, of the given size. */
    private static int[] block(Random rnd, int count, int magnitude, boolean skipDc) {
        int[] b = new int[16];
        int[] places = new int[16];
        for (int i = 0; i < 16; i++) {
            places[i] = i;
        }
        for (int i = 15; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = places[i];
            places[i] = places[j];
            places[j] = t;
        }
        int put = 0;
        for (int i = 0; i < 16 && put < count; i++) {
            if (skipDc && places[i] == 0) {
                continue;
            }
            int level = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(magnitude) : rnd.nextInt(3));
            b[places[i]] = rnd.nextBoolean() ? level : -level;
            put++;
        }
        return b;
    }

    private static int magnitude(Random rnd) {
        // small levels, then those past level_prefix 14 and 15 (escapes), up to what QP 10 makes of saturated blocks
        int[] sizes = {2, 8, 16, 40, 300, 3000};
        return sizes[rnd.nextInt(sizes.length)];
    }

    @Test
    void writesJCodecsBitsForEveryMacroblockOfSeveralPictures() {
        Random rnd = new Random(20261205);
        SeqParameterSet sps = new SeqParameterSet();
        sps.picWidthInMbsMinus1 = MB_WIDTH - 1;
        sps.chromaFormatIdc = ColorSpace.YUV420J;
        for (int picture = 0; picture < 40; picture++) {
            CAVLC[] theirs = {new CAVLC(sps, null, 2, 2), new CAVLC(sps, null, 1, 1), new CAVLC(sps, null, 1, 1)};
            ResidualCoder ours = new ResidualCoder(MB_WIDTH);
            BitWriter a = new BitWriter(ByteBuffer.allocate(1 << 20)), b = new BitWriter(ByteBuffer.allocate(1 << 20));
            for (int mbY = 0; mbY < MB_ROWS; mbY++) {
                for (int mbX = 0; mbX < MB_WIDTH; mbX++) {
                    int kind = rnd.nextInt(6);
                    if (kind == 0) {
                        // a skipped macroblock
                        for (int j = 0; j < 4; j++) {
                            for (int i = 0; i < 4; i++) {
                                theirs[0].setZeroCoeff((mbX << 2) + i, (mbY << 2) + j);
                            }
                        }
                        for (int c = 1; c < 3; c++) {
                            for (int j = 0; j < 2; j++) {
                                for (int i = 0; i < 2; i++) {
                                    theirs[c].setZeroCoeff((mbX << 1) + i, (mbY << 1) + j);
                                }
                            }
                        }
                        ours.noCoefficients(mbX, mbY);
                        continue;
                    }
                    boolean trial = kind == 1;
                    BitWriter ta = a, tb = b;
                    if (trial) {
                        for (CAVLC c : theirs) {
                            c.save();
                        }
                        ours.save();
                        ta = a.fork();
                        tb = b.fork();
                    }
                    // luma: 8x8 groups in raster order, 4x4 blocks in raster order within; some groups left out
                    for (int group = 0; group < 4; group++) {
                        boolean coded = rnd.nextInt(4) != 0;
                        for (int sub = 0; sub < 4; sub++) {
                            int blkX = (mbX << 2) + (group & 1) * 2 + (sub & 1);
                            int blkY = (mbY << 2) + (group >> 1) * 2 + (sub >> 1);
                            if (!coded) {
                                theirs[0].setZeroCoeff(blkX, blkY);
                                ours.noLumaCoefficients(blkX, blkY);
                                continue;
                            }
                            int[] levels = block(rnd, rnd.nextInt(17), magnitude(rnd), false);
                            int token = theirs[0].writeACBlock(ta, blkX, blkY, MBType.P_16x16, MBType.P_16x16, levels.clone(),
                                    H264Const.totalZeros16, 0, 16, CoeffTransformer.zigzag4x4);
                            assertEquals(CAVLC.totalCoeff(token), ours.luma(tb, blkX, blkY, levels.clone()));
                        }
                    }
                    int[][] dcs = {block(rnd, rnd.nextInt(5), magnitude(rnd), false), block(rnd, rnd.nextInt(5), magnitude(rnd), false)};
                    for (int c = 0; c < 2; c++) {
                        int[] dc = Arrays.copyOf(dcs[c], 4);
                        theirs[c + 1].writeChrDCBlock(ta, dc.clone(), H264Const.totalZeros4, 0, 4, new int[] {0, 1, 2, 3});
                        ours.chromaDc(tb, dc.clone());
                    }
                    for (int c = 1; c < 3; c++) {
                        for (int blk = 0; blk < 4; blk++) {
                            int blkX = (mbX << 1) + (blk & 1), blkY = (mbY << 1) + (blk >> 1);
                            int[] ac = block(rnd, rnd.nextInt(16), magnitude(rnd), true);
                            theirs[c].writeACBlock(ta, blkX, blkY, MBType.P_16x16, MBType.P_16x16, ac.clone(),
                                    H264Const.totalZeros16, 1, 15, CoeffTransformer.zigzag4x4);
                            ours.chromaAc(tb, c, blkX, blkY, ac.clone());
                        }
                    }
                    if (trial && rnd.nextBoolean()) {
                        // the trial is dropped: both put their counts back and keep the bits before it
                        for (CAVLC c : theirs) {
                            c.restore();
                        }
                        ours.restore();
                    } else {
                        a = ta;
                        b = tb;
                    }
                    assertEquals(a.position(), b.position(), "bits after macroblock " + mbX + "," + mbY + " of picture " + picture);
                }
            }
            assertArrayEquals(bits(a), bits(b), "picture " + picture);
        }
    }

    private static byte[] bits(BitWriter w) {
        w.write1Bit(1);
        w.flush();
        ByteBuffer buf = w.getBuffer();
        return Arrays.copyOf(buf.array(), buf.position());
    }

    @Test
    void sadIsExactBelowItsLimitAndAtLeastTheLimitAbove() {
        Random rnd = new Random(7);
        int size = 64;
        var pic = org.jcodec.common.model.Picture.create(size, size, ColorSpace.YUV420J);
        var ref = org.jcodec.common.model.Picture.create(size, size, ColorSpace.YUV420J);
        for (int trial = 0; trial < 400; trial++) {
            byte[] p = pic.getPlaneData(0), r = ref.getPlaneData(0);
            // extremes included: −128 against 127 is the largest difference a lane holds
            for (int i = 0; i < p.length; i++) {
                p[i] = (byte) (trial % 4 == 0 ? (rnd.nextBoolean() ? -128 : 127) : rnd.nextInt(256));
                r[i] = (byte) (trial % 4 == 0 ? (p[i] == 127 ? -128 : 127) : trial % 4 == 1 ? p[i] + rnd.nextInt(5) - 2 : rnd.nextInt(256));
            }
            int mbX = rnd.nextInt(size / 16), mbY = rnd.nextInt(size / 16);
            int dx = Math.max(-(mbX << 4), Math.min(size - 16 - (mbX << 4), rnd.nextInt(33) - 16));
            int dy = Math.max(-(mbY << 4), Math.min(size - 16 - (mbY << 4), rnd.nextInt(33) - 16));
            int exact = 0;
            for (int j = 0; j < 16; j++) {
                for (int i = 0; i < 16; i++) {
                    exact += Math.abs(p[((mbY << 4) + j) * size + (mbX << 4) + i] - r[((mbY << 4) + dy + j) * size + (mbX << 4) + dx + i]);
                }
            }
            assertEquals(exact, InterMacroblock.sad(pic, ref, mbX, mbY, dx, dy, Integer.MAX_VALUE), "trial " + trial);
            int limit = 1 + rnd.nextInt(Math.max(1, 2 * exact));
            int got = InterMacroblock.sad(pic, ref, mbX, mbY, dx, dy, limit);
            if (exact < limit) {
                assertEquals(exact, got, "trial " + trial + " below its limit");
            } else {
                assertEquals(true, got >= limit && got <= exact, "trial " + trial + ": " + got + " for limit " + limit + ", exact " + exact);
            }
        }
    }
}
