package io.github.emo4j.video;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.encode.EncodedMB;
import org.jcodec.codecs.h264.encode.MBEncoderHelper;
import org.jcodec.codecs.h264.encode.MBEncoderI16x16;
import org.jcodec.codecs.h264.io.CAVLC;
import org.jcodec.codecs.h264.io.model.MBType;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.RefPicMarkingIDR;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.codecs.h264.io.write.CAVLCWriter;
import org.jcodec.codecs.h264.io.write.SliceHeaderWriter;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;

/**
 * H.264 (Constrained Baseline, CAVLC, one slice per frame) that skips what did not change. A talking-head
 * video pastes a generated face into an unchanging portrait, so in every P frame most macroblocks equal
 * the previous frame's input exactly; those are coded as P_Skip (a run length in the slice data, no bits
 * of their own), which the decoder fills with the reference picture's macroblock at the vector it infers
 * (H.264 8.4.1.1, {@link MotionVectors#forSkip}). A macroblock that did change is first coded on trial
 * as P_L0_16x16 at a searched whole-pixel vector ({@link InterMacroblock}); the trial is kept only when
 * the distortion it saves over the skip is worth its bits (J = SSD + λ·bits, λ = 0.85·2^((QP − 12)/3)),
 * else the macroblock is skipped after all. Key frames are JCodec's Intra 16x16. Each macroblock takes
 * its quantiser from a {@link QpMap}. The reconstruction, the next frame's reference, is exactly what a
 * decoder makes of the bits ({@code EncoderDecoderMatchTest}). The in-loop deblocking filter is switched
 * off in the slice headers: JCodec 0.2.5's encoder-side filter disagrees with decoders on chroma (so
 * predicted frames drifted by up to 5 levels within a group), and its Intra 16x16 writer predicts from
 * filtered samples, which agrees with a decoder only where the filter does nothing, at QP 15 or less.
 *
 * <p>One group of pictures per instance: the first frame is an IDR frame, and every
 * {@code keyInterval}-th after it starts a new one.
 */
final class SkippingH264Encoder {

    /** The quantiser of each macroblock. */
    interface QpMap {
        /** The quantiser of macroblock (mbX, mbY) in a key frame or a predicted one. */
        int qp(int mbX, int mbY, boolean key);
    }

    private final int keyInterval;
    private final int keyShift;
    private final QpMap qps;
    /** The frame number of the last key frame. */
    private int lastKey;
    private SeqParameterSet sps;
    private PictureParameterSet pps;
    private int mbWidth;
    private int mbHeight;
    private int frameNumber;
    private Picture reference;
    /** The picture the next reconstruction is written into: the one before the reference, reused. */
    private Picture spare;
    private Picture previousInput;
    private ByteBuffer sliceData;
    private long skipped;
    private long coded;

    SkippingH264Encoder(int keyInterval, QpMap qps) {
        this(keyInterval, 0, qps);
    }

    /**
     * An encoder whose key frames after the first come {@code keyShift} frames early: frame n is a key frame
     * when n is 0 or n + keyShift is a multiple of {@code keyInterval}. A stream whose first fragment is
     * {@code keyShift} frames shorter than the others keeps its key frames on fragments' first frames.
     */
    SkippingH264Encoder(int keyInterval, int keyShift, QpMap qps) {
        if (keyShift < 0 || keyShift >= keyInterval) {
            throw new IllegalArgumentException("key shift " + keyShift + " for key interval " + keyInterval);
        }
        this.keyInterval = keyInterval;
        this.keyShift = keyShift;
        this.qps = qps;
    }

    /** Macroblocks skipped and coded in P frames so far. */
    long[] skipCounts() {
        return new long[] {skipped, coded};
    }

    /** The last frame's reconstruction, as a decoder has it: for tests. */
    Picture reconstruction() {
        return reference;
    }

    /**
     * Encodes {@code pic} (YUV 4:2:0, sides multiples of 16, cropped to the visible size) into {@code out}
     * as Annex B NAL units.
     *
     * @return whether it is a key frame
     */
    boolean encode(Picture pic, ByteBuffer out) {
        boolean idr = frameNumber == 0 || (frameNumber + keyShift) % keyInterval == 0;
        if (idr) {
            lastKey = frameNumber;
            start(pic);
        }
        int qpBase = qps.qp(0, 0, idr);
        if (idr) {
            out.putInt(1);
            new NALUnit(NALUnitType.SPS, 3).write(out);
            escaped(out, b -> sps.write(b));
            out.putInt(1);
            new NALUnit(NALUnitType.PPS, 3).write(out);
            escaped(out, b -> pps.write(b));
        }
        // every macroblock of the reconstruction is written, so the spare picture needs no clearing
        Picture recon = spare != null ? spare : Picture.create(mbWidth << 4, mbHeight << 4, ColorSpace.YUV420J);
        out.putInt(1);
        new NALUnit(idr ? NALUnitType.IDR_SLICE : NALUnitType.NON_IDR_SLICE, 3).write(out);
        sliceData.clear();
        BitWriter w = new BitWriter(sliceData);
        SliceHeader sh = new SliceHeader();
        sh.sliceType = idr ? SliceType.I : SliceType.P;
        sh.sps = sps;
        sh.pps = pps;
        int local = frameNumber - lastKey;
        sh.frameNum = local % (1 << (sps.log2MaxFrameNumMinus4 + 4));
        sh.picOrderCntLsb = (local << 1) % (1 << (sps.log2MaxPicOrderCntLsbMinus4 + 4));
        sh.sliceQpDelta = qpBase - (pps.picInitQpMinus26 + 26);
        sh.disableDeblockingFilterIdc = 1;
        if (idr) {
            sh.refPicMarkingIDR = new RefPicMarkingIDR(false, false);
        }
        SliceHeaderWriter.write(sh, idr, 2, w);
        w = slice(pic, recon, w, idr, qpBase);
        w.write1Bit(1);
        w.flush();
        ByteBuffer data = w.getBuffer();
        data.flip();
        H264Utils.escapeNAL(data, out);
        spare = reference;
        reference = recon;
        copyInput(pic);
        frameNumber++;
        return idr;
    }

    private void start(Picture pic) {
        // the parameter sets JCodec's encoder (with colour signalling) would write for this size and interval
        SignalledH264Encoder params = new SignalledH264Encoder(null);
        params.setKeyInterval(keyInterval);
        sps = params.initSPS(new Size(pic.getCroppedWidth(), pic.getCroppedHeight()));
        pps = params.initPPS();
        // the deblocking filter is off: JCodec 0.2.5's encoder-side filter does not match a decoder's on
        // chroma, and key frames at QP 15 or less (Mp4Writer.macroblockQp) are unfiltered anyway
        pps.deblockingFilterControlPresentFlag = true;
        mbWidth = sps.picWidthInMbsMinus1 + 1;
        mbHeight = sps.picHeightInMapUnitsMinus1 + 1;
        previousInput = null;
        reference = null;
        spare = null;
        if (sliceData == null || sliceData.capacity() < Math.max(1 << 16, (mbWidth * mbHeight) << 10)) {
            sliceData = ByteBuffer.allocate(Math.max(1 << 16, (mbWidth * mbHeight) << 10));
        }
    }

    /** The macroblocks in raster order; {@code recon} receives the reconstruction, deblocked. */
    private BitWriter slice(Picture pic, Picture recon, BitWriter w, boolean idr, int qpBase) {
        CAVLC[] cavlc = {new CAVLC(sps, pps, 2, 2), new CAVLC(sps, pps, 1, 1), new CAVLC(sps, pps, 1, 1)};
        byte[][] leftRow = {new byte[16], new byte[8], new byte[8]};
        byte[][] topLine = {new byte[mbWidth << 4], new byte[mbWidth << 3], new byte[mbWidth << 3]};
        MBEncoderI16x16 intra = new MBEncoderI16x16(cavlc, leftRow, topLine);
        InterMacroblock inter = idr ? null : new InterMacroblock(reference, cavlc);
        int[] mvx = new int[mbWidth * mbHeight], mvy = new int[mbWidth * mbHeight];
        EncodedMB[] above = new EncodedMB[mbWidth];
        int prevQp = qpBase;
        int skipRun = 0;
        for (int mbY = 0; mbY < mbHeight; mbY++) {
            EncodedMB left = null;
            for (int mbX = 0; mbX < mbWidth; mbX++) {
                EncodedMB mb = new EncodedMB();
                EncodedMB top = mbY > 0 ? above[mbX] : null;
                int qp = qps.qp(mbX, mbY, idr);
                if (idr) {
                    // Intra 16x16: the mb_type carries the prediction mode and the coded block pattern (Table 7-11)
                    int type = MBType.I_16x16.code() + intra.getPredMode(pic, mbX, mbY) + 4 * intra.getCbpChroma(pic, mbX, mbY)
                            + 12 * (intra.getCbpLuma(pic, mbX, mbY) / 15);
                    CAVLCWriter.writeUE(w, type);
                    intra.encodeMacroblock(pic, mbX, mbY, w, mb, left, top, qp, qp - prevQp);
                    prevQp = qp;
                    keepPredictors(mb.getPixels(), mbX, leftRow, topLine);
                } else {
                    int at = mbY * mbWidth + mbX;
                    int[] pred = MotionVectors.predict(mvx, mvy, mbWidth, mbX, mbY);
                    int[] skipMv = MotionVectors.forSkip(mvx, mvy, mbWidth, mbX, mbY, pred);
                    boolean still = skipMv[0] == 0 && skipMv[1] == 0 && previousInput != null && sameInput(pic, mbX, mbY);
                    BitWriter trial = null;
                    int[] mv = skipMv;
                    if (!still) {
                        // code it, on trial: kept only when its distortion saved is worth its bits
                        mv = MotionVectors.search(pic, reference, mbX, mbY, pred, qp);
                        for (CAVLC c : cavlc) {
                            c.save();
                        }
                        trial = w.fork();
                        int start = trial.position();
                        CAVLCWriter.writeUE(trial, skipRun);
                        CAVLCWriter.writeUE(trial, MBType.P_16x16.code());
                        inter.write(trial, pic, mbX, mbY, mv[0], mv[1], pred[0], pred[1], qp, prevQp, mb);
                        double lambda = 0.85 * Math.pow(2, (qp - 12) / 3.0);
                        double codedCost = squaredError(pic, mb.getPixels(), mbX, mbY) + lambda * (trial.position() - start);
                        inter.predict(mbX, mbY, skipMv[0], skipMv[1]);
                        if (inter.predictionError(pic, mbX, mbY) + lambda <= codedCost) {
                            for (CAVLC c : cavlc) {
                                c.restore();
                            }
                            trial = null;
                            mv = skipMv;
                        }
                    } else {
                        inter.predict(mbX, mbY, 0, 0);
                    }
                    if (trial == null) {
                        inter.skipped(mb, skipMv[0], skipMv[1], prevQp);
                        zeroCoefficients(mbX, mbY, cavlc);
                        skipRun++;
                        skipped++;
                    } else {
                        w = trial;
                        skipRun = 0;
                        prevQp = qp;
                        coded++;
                    }
                    mvx[at] = mv[0];
                    mvy[at] = mv[1];
                }
                if (mbY > 0) {
                    MBEncoderHelper.putBlkPic(recon, above[mbX].getPixels(), mbX << 4, (mbY - 1) << 4);
                }
                above[mbX] = mb;
                left = mb;
            }
        }
        if (skipRun > 0) {
            CAVLCWriter.writeUE(w, skipRun);
        }
        for (int mbX = 0; mbX < mbWidth; mbX++) {
            MBEncoderHelper.putBlkPic(recon, above[mbX].getPixels(), mbX << 4, (mbHeight - 1) << 4);
        }
        return w;
    }

    /** Squared error of a reconstructed macroblock against the input, all three planes. */
    static long squaredError(Picture pic, Picture mb, int mbX, int mbY) {
        long sum = 0;
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 4 : 3, size = 1 << shift, stride = pic.getPlaneWidth(p);
            byte[] in = pic.getPlaneData(p), out = mb.getPlaneData(p);
            for (int y = 0; y < size; y++) {
                int row = ((mbY << shift) + y) * stride + (mbX << shift);
                for (int x = 0; x < size; x++) {
                    int d = in[row + x] - out[y * size + x];
                    sum += d * d;
                }
            }
        }
        return sum;
    }

    /** The bottom row and right column of a reconstructed macroblock: the next ones' intra predictors. */
    private static void keepPredictors(Picture mb, int mbX, byte[][] leftRow, byte[][] topLine) {
        for (int p = 0; p < 3; p++) {
            int size = p == 0 ? 16 : 8;
            byte[] px = mb.getPlaneData(p);
            System.arraycopy(px, size * (size - 1), topLine[p], mbX * size, size);
            for (int y = 0; y < size; y++) {
                leftRow[p][y] = px[y * size + size - 1];
            }
        }
    }

    private boolean sameInput(Picture pic, int mbX, int mbY) {
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 4 : 3, size = 1 << shift, stride = pic.getPlaneWidth(p);
            byte[] now = pic.getPlaneData(p), before = previousInput.getPlaneData(p);
            int row = (mbY << shift) * stride + (mbX << shift);
            for (int y = 0; y < size; y++, row += stride) {
                if (!Arrays.equals(now, row, row + size, before, row, row + size)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A skipped macroblock's blocks hold no coefficients, which the next blocks' CAVLC contexts count. */
    private static void zeroCoefficients(int mbX, int mbY, CAVLC[] cavlc) {
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 4; i++) {
                cavlc[0].setZeroCoeff((mbX << 2) + i, (mbY << 2) + j);
            }
        }
        for (int c = 1; c < 3; c++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < 2; i++) {
                    cavlc[c].setZeroCoeff((mbX << 1) + i, (mbY << 1) + j);
                }
            }
        }
    }

    private void copyInput(Picture pic) {
        if (previousInput == null) {
            previousInput = Picture.create(pic.getWidth(), pic.getHeight(), ColorSpace.YUV420J);
        }
        for (int p = 0; p < 3; p++) {
            System.arraycopy(pic.getPlaneData(p), 0, previousInput.getPlaneData(p), 0, pic.getPlaneData(p).length);
        }
    }

    private interface Writes {
        void to(ByteBuffer b);
    }

    private static void escaped(ByteBuffer out, Writes writes) {
        ByteBuffer tmp = ByteBuffer.allocate(1024);
        writes.to(tmp);
        tmp.flip();
        H264Utils.escapeNAL(tmp, out);
    }
}
