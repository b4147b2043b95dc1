package io.github.emo4j.video;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jcodec.codecs.h264.H264Const;
import org.jcodec.codecs.h264.decode.BlockInterpolator;
import org.jcodec.codecs.h264.decode.CoeffTransformer;
import org.jcodec.codecs.h264.encode.EncodedMB;
import org.jcodec.codecs.h264.encode.MBEncoderHelper;
import org.jcodec.codecs.h264.io.model.MBType;
import org.jcodec.codecs.h264.io.write.CAVLCWriter;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * One P macroblock: the motion-compensated prediction from the reference picture at a whole-pixel
 * motion vector, and the residual coded as P_L0_16x16 (H.264 7.3.5) with a coded block pattern, so
 * that 8x8 luma groups whose levels are all zero cost one bit of the pattern and nothing else. Blocks
 * are transformed and quantised with JCodec's transform and written by a {@link ResidualCoder}; chroma
 * as JCodec's Intra 16x16 coder does it (DC and AC always coded). The reconstruction is what a decoder
 * makes of the bits.
 */
final class InterMacroblock {
    private final Picture reference;
    private final ResidualCoder residuals;
    /** The slice's first macroblock row: coefficient counts are kept by row within the slice. */
    private final int top;
    private final BlockInterpolator interpolator = new BlockInterpolator();
    private final Picture prediction = Picture.create(16, 16, ColorSpace.YUV420J);
    private final int[] luma = new int[256];
    private final int[] chromaU = new int[64];
    private final int[] chromaV = new int[64];
    private final int[][] levels = new int[16][16];
    // the chroma residual's 4x4 blocks and the luma blocks' coefficient counts, rewritten every macroblock
    private final int[][] uBlocks = new int[4][16];
    private final int[][] vBlocks = new int[4][16];
    private final int[] uDc = new int[4];
    private final int[] vDc = new int[4];
    private final int[] counts = new int[16];
    private static final int[] NO_COEFFICIENTS = new int[16];

    InterMacroblock(Picture reference, ResidualCoder residuals, int top) {
        this.reference = reference;
        this.residuals = residuals;
        this.top = top;
    }

    /**
     * The prediction at vector (mvx, mvy) in quarter pixels (whole pixels here: multiples of 4) into
     * {@link #prediction}.
     */
    void predict(int mbX, int mbY, int mvx, int mvy) {
        interpolator.getBlockLuma(reference, prediction, 0, (mbX << 6) + mvx, (mbY << 6) + mvy, 16, 16);
        for (int p = 1; p < 3; p++) {
            BlockInterpolator.getBlockChroma(reference.getPlaneData(p), reference.getPlaneWidth(p), reference.getPlaneHeight(p),
                    prediction.getPlaneData(p), 0, 8, (mbX << 6) + mvx, (mbY << 6) + mvy, 8, 8);
        }
    }

    /** Squared error of the current prediction against the input, exact up to {@code limit} (more than it beyond). */
    long predictionError(Picture pic, int mbX, int mbY, long limit) {
        return SkippingH264Encoder.squaredError(pic, prediction, mbX, mbY, limit);
    }

    /** The skipped macroblock's reconstruction: the prediction at the skip's vector, as {@link #predict} left it. */
    void skipped(EncodedMB out, int mvx, int mvy, int qp) {
        for (int p = 0; p < 3; p++) {
            byte[] src = prediction.getPlaneData(p);
            System.arraycopy(src, 0, out.getPixels().getPlaneData(p), 0, src.length);
        }
        finish(out, mvx, mvy, qp, NO_COEFFICIENTS);
    }

    /**
     * Writes the macroblock after its mb_type: the vector difference, the coded block pattern, the
     * quantiser change and the residual; fills {@code out} with the reconstruction.
     */
    void write(BitWriter w, Picture pic, int mbX, int mbY, int mvx, int mvy, int mvpx, int mvpy, int qp, int prevQp,
               EncodedMB out) {
        predict(mbX, mbY, mvx, mvy);
        difference(pic, mbX, mbY);
        int pattern = 0;
        for (int b = 0; b < 16; b++) {
            int bx = b & 3, by = b >> 2;
            take(luma, 16, 4 * bx, 4 * by, levels[b]);
            CoeffTransformer.fdct4x4(levels[b]);
            CoeffTransformer.quantizeAC(levels[b], qp);
            if (nonZero(levels[b])) {
                pattern |= 1 << ((by >> 1) * 2 + (bx >> 1));
            }
        }
        CAVLCWriter.writeSE(w, mvx - mvpx);
        CAVLCWriter.writeSE(w, mvy - mvpy);
        // chroma is always coded (DC and AC): JCodec's chroma writer writes both
        int cbp = pattern | 2 << 4;
        CAVLCWriter.writeUE(w, H264Const.CODED_BLOCK_PATTERN_INTER_COLOR_INV[cbp]);
        CAVLCWriter.writeSE(w, qp - prevQp);
        int[] nc = counts;
        Arrays.fill(nc, 0);
        // 8x8 groups in raster order, their 4x4 blocks in raster order within
        for (int group = 0; group < 4; group++) {
            for (int sub = 0; sub < 4; sub++) {
                int bx = (group & 1) * 2 + (sub & 1), by = (group >> 1) * 2 + (sub >> 1), b = by * 4 + bx;
                int blkX = (mbX << 2) + bx, blkY = ((mbY - top) << 2) + by;
                if ((pattern & 1 << group) != 0) {
                    nc[b] = residuals.luma(w, blkX, blkY, levels[b]);
                } else {
                    residuals.noLumaCoefficients(blkX, blkY);
                    Arrays.fill(levels[b], 0);
                }
            }
        }
        int[][] u = split(chromaU, uBlocks), v = split(chromaV, vBlocks);
        chromaResidual(w, mbX, mbY - top, qp, u, v);
        // reconstruction: prediction plus the residual the decoder gets back
        for (int b = 0; b < 16; b++) {
            CoeffTransformer.dequantizeAC(levels[b], qp, null);
            CoeffTransformer.idct4x4(levels[b]);
            put(levels[b], luma, 16, 4 * (b & 3), 4 * (b >> 2));
        }
        merge(u, chromaU);
        merge(v, chromaV);
        MBEncoderHelper.putBlk(out.getPixels().getPlaneData(0), luma, prediction.getPlaneData(0), 4, 0, 0, 16, 16);
        MBEncoderHelper.putBlk(out.getPixels().getPlaneData(1), chromaU, prediction.getPlaneData(1), 3, 0, 0, 8, 8);
        MBEncoderHelper.putBlk(out.getPixels().getPlaneData(2), chromaV, prediction.getPlaneData(2), 3, 0, 0, 8, 8);
        finish(out, mvx, mvy, qp, nc);
    }

    /**
     * Codes both chroma planes' 4x4 blocks as JCodec's Intra 16x16 coder does (its chromaResidual): each
     * block transformed, the four DCs taken out, 2x2-transformed and quantised; written Cb DC, Cr DC,
     * then Cb's AC blocks, then Cr's; the blocks left as the decoder reconstructs them.
     */
    private void chromaResidual(BitWriter w, int mbX, int mbY, int qp, int[][] u, int[][] v) {
        takeDc(u, uDc);
        takeDc(v, vDc);
        for (int[] dc : new int[][] {uDc, vDc}) {
            CoeffTransformer.quantizeDC2x2(dc, qp);
            CoeffTransformer.fvdDC2x2(dc);
            residuals.chromaDc(w, dc);
        }
        for (int plane = 1; plane < 3; plane++) {
            int[][] blocks = plane == 1 ? u : v;
            for (int b = 0; b < 4; b++) {
                CoeffTransformer.quantizeAC(blocks[b], qp);
                residuals.chromaAc(w, plane, (mbX << 1) + (b & 1), (mbY << 1) + (b >> 1), blocks[b]);
            }
        }
        restoreChroma(u, uDc, qp);
        restoreChroma(v, vDc, qp);
    }

    /** Transforms a plane's four blocks and moves their DC levels into {@code dc}. */
    private static void takeDc(int[][] blocks, int[] dc) {
        for (int b = 0; b < 4; b++) {
            CoeffTransformer.fdct4x4(blocks[b]);
            dc[b] = blocks[b][0];
            blocks[b][0] = 0;
        }
    }

    /** The decoder's side: DC and AC levels back to residual samples. */
    private static void restoreChroma(int[][] blocks, int[] dc, int qp) {
        CoeffTransformer.invDC2x2(dc);
        CoeffTransformer.dequantizeDC2x2(dc, qp, null);
        for (int b = 0; b < 4; b++) {
            CoeffTransformer.dequantizeAC(blocks[b], qp, null);
            blocks[b][0] = dc[b];
            CoeffTransformer.idct4x4(blocks[b]);
        }
    }

    private static void finish(EncodedMB out, int mvx, int mvy, int qp, int[] nc) {
        Arrays.fill(out.getMx(), mvx);
        Arrays.fill(out.getMy(), mvy);
        System.arraycopy(nc, 0, out.getNc(), 0, 16);
        out.setType(MBType.P_16x16);
        out.setQp(qp);
    }

    /** Input minus prediction, into {@link #luma}, {@link #chromaU} and {@link #chromaV}. */
    private void difference(Picture pic, int mbX, int mbY) {
        MBEncoderHelper.takeSubtract(pic.getPlaneData(0), pic.getPlaneWidth(0), pic.getPlaneHeight(0), mbX << 4, mbY << 4,
                luma, prediction.getPlaneData(0), 16, 16);
        MBEncoderHelper.takeSubtract(pic.getPlaneData(1), pic.getPlaneWidth(1), pic.getPlaneHeight(1), mbX << 3, mbY << 3,
                chromaU, prediction.getPlaneData(1), 8, 8);
        MBEncoderHelper.takeSubtract(pic.getPlaneData(2), pic.getPlaneWidth(2), pic.getPlaneHeight(2), mbX << 3, mbY << 3,
                chromaV, prediction.getPlaneData(2), 8, 8);
    }

    /** The four 4x4 blocks of an 8x8 plane, raster order, into {@code blocks}. */
    private static int[][] split(int[] plane, int[][] blocks) {
        for (int b = 0; b < 4; b++) {
            take(plane, 8, 4 * (b & 1), 4 * (b >> 1), blocks[b]);
        }
        return blocks;
    }

    private static void merge(int[][] blocks, int[] plane) {
        for (int b = 0; b < 4; b++) {
            put(blocks[b], plane, 8, 4 * (b & 1), 4 * (b >> 1));
        }
    }

    private static void take(int[] plane, int stride, int x, int y, int[] block) {
        for (int j = 0; j < 4; j++) {
            System.arraycopy(plane, (y + j) * stride + x, block, 4 * j, 4);
        }
    }

    private static void put(int[] block, int[] plane, int stride, int x, int y) {
        for (int j = 0; j < 4; j++) {
            System.arraycopy(block, 4 * j, plane, (y + j) * stride + x, 4);
        }
    }

    private static boolean nonZero(int[] v) {
        for (int x : v) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sum of absolute differences between the input's luma and the reference's at a whole-pixel offset,
     * exact up to {@code limit} and at least {@code limit} beyond it (it stops at the end of a row once
     * there). Eight pixels at a time: two longs a row, their bytes in 16-bit lanes ({@link #absoluteDifferences}).
     */
    static int sad(Picture pic, Picture ref, int mbX, int mbY, int dx, int dy, int limit) {
        byte[] in = pic.getPlaneData(0), r = ref.getPlaneData(0);
        int stride = pic.getPlaneWidth(0), refStride = ref.getPlaneWidth(0);
        int a = (mbY << 4) * stride + (mbX << 4), b = ((mbY << 4) + dy) * refStride + (mbX << 4) + dx;
        // 16-bit lanes: a row adds at most 4 × 255 to a lane, 16 rows 16 320, and the four lanes' sum stays below 2^16
        long lanes = 0;
        for (int j = 0; j < 16; j++, a += stride, b += refStride) {
            lanes += absoluteDifferences((long) LONGS.get(in, a), (long) LONGS.get(r, b));
            lanes += absoluteDifferences((long) LONGS.get(in, a + 8), (long) LONGS.get(r, b + 8));
            int sum = (int) ((lanes * 0x0001_0001_0001_0001L) >>> 48);
            if (sum >= limit) {
                return sum;
            }
        }
        return (int) ((lanes * 0x0001_0001_0001_0001L) >>> 48);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BYTES = 0x00FF_00FF_00FF_00FFL;
    private static final long LANE_ONES = 0x0001_0001_0001_0001L;

    /**
     * |x − y| of the eight signed bytes of {@code x} and {@code y}, summed in pairs into four 16-bit lanes
     * (bytes 2i and 2i + 1 into lane i), each at most 510.
     */
    static long absoluteDifferences(long x, long y) {
        // as unsigned bytes, which differ from the signed ones by the same 128
        x ^= 0x8080_8080_8080_8080L;
        y ^= 0x8080_8080_8080_8080L;
        return laneDifferences(x & LOW_BYTES, y & LOW_BYTES) + laneDifferences(x >>> 8 & LOW_BYTES, y >>> 8 & LOW_BYTES);
    }

    /** |x − y| lane by lane, for four 16-bit lanes holding 0 to 255. */
    private static long laneDifferences(long x, long y) {
        // 256 + x − y: 1 to 511 in every lane, so no lane borrows from the next
        long u = (x | LANE_ONES << 8) - y;
        long xAtLeastY = (u >>> 8 & LANE_ONES) * 0xFFFF;
        long low = u & LOW_BYTES;
        // where x ≥ y, u's low byte is x − y; elsewhere it is 256 − (y − x)
        return low & xAtLeastY | (LANE_ONES << 8) - low & ~xAtLeastY;
    }
}
