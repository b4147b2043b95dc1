package io.github.emo4j.video;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.encode.EncodedMB;
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
 * H.264 (Constrained Baseline, CAVLC) that skips what did not change. A talking-head
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
 * <p>A picture is cut into horizontal slices by its size alone ({@link #slicesFor}); each is coded as a
 * picture of its own would be, so the slices of a frame can be coded on several threads, and the bytes
 * do not depend on how many there are.
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

    /** Fewest macroblock rows a slice has: smaller pictures are one slice. */
    static final int MIN_SLICE_ROWS = 16;
    /** Most slices a picture is cut into. */
    static final int MAX_SLICES = 4;

    private final int keyInterval;
    private final int keyShift;
    private final QpMap qps;
    /** Runs a frame's other slices beside the caller, or {@code null}: the caller codes them all. */
    private final Executor helper;
    /** Slices a picture, or 0 for {@link #slicesFor}. */
    private final int sliceCount;
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
    private Slice[] slices;
    private long skipped;
    private long coded;

    SkippingH264Encoder(int keyInterval, QpMap qps) {
        this(keyInterval, 0, qps, null, 0);
    }

    /**
     * An encoder whose key frames after the first come {@code keyShift} frames early: frame n is a key frame
     * when n is 0 or n + keyShift is a multiple of {@code keyInterval}. A stream whose first fragment is
     * {@code keyShift} frames shorter than the others keeps its key frames on fragments' first frames.
     */
    SkippingH264Encoder(int keyInterval, int keyShift, QpMap qps) {
        this(keyInterval, keyShift, qps, null, 0);
    }

    /**
     * As {@link #SkippingH264Encoder(int, int, QpMap)}, with a picture's slices coded in parallel.
     *
     * @param helper     runs a frame's other slices while the caller codes one, or {@code null}; a slice
     *                   no helper thread has taken is coded by the caller, so a busy helper costs no wait
     * @param sliceCount slices a picture, or 0 for {@link #slicesFor}; the bytes depend on it and not on
     *                   {@code helper}
     */
    SkippingH264Encoder(int keyInterval, int keyShift, QpMap qps, Executor helper, int sliceCount) {
        if (keyShift < 0 || keyShift >= keyInterval) {
            throw new IllegalArgumentException("key shift " + keyShift + " for key interval " + keyInterval);
        }
        if (sliceCount < 0) {
            throw new IllegalArgumentException("slice count " + sliceCount);
        }
        this.keyInterval = keyInterval;
        this.keyShift = keyShift;
        this.qps = qps;
        this.helper = helper;
        this.sliceCount = sliceCount;
    }

    /**
     * The slices a picture {@code mbHeight} macroblocks high is cut into: one per {@value #MIN_SLICE_ROWS}
     * rows, at most {@value #MAX_SLICES}. A slice is coded without looking into the others, so slices can be
     * coded on as many threads; the price is a few bits at each boundary, where prediction starts afresh.
     * The count depends on the size alone, so the bytes written do not depend on the thread count.
     *
     * @param mbHeight the picture's height in macroblocks
     * @return 1 to {@value #MAX_SLICES}
     */
    static int slicesFor(int mbHeight) {
        return Math.max(1, Math.min(MAX_SLICES, mbHeight / MIN_SLICE_ROWS));
    }

    /**
     * Threads to code a picture's other slices beside the thread that encodes: at most {@code threads − 1},
     * made when wanted and ended after 10 s idle, with no queue, so a slice no helper takes at once is
     * coded by the caller, which never waits for work that has not started.
     *
     * @param threads the threads a picture may be coded on, the caller's included
     * @return the helpers, or {@code null} for fewer than 2 threads
     */
    static ThreadPoolExecutor sliceHelpers(int threads) {
        if (threads < 2) {
            return null;
        }
        return new ThreadPoolExecutor(0, threads - 1, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread t = new Thread(task, "emo4j-h264-slice");
            t.setDaemon(true);
            return t;
        });
    }

    /** Macroblocks skipped and coded in P frames so far. */
    long[] skipCounts() {
        return new long[] {skipped, coded};
    }

    /** The last frame's reconstruction, as a decoder has it: for tests. */
    Picture reconstruction() {
        return reference;
    }

    /** Slices in the pictures coded so far: for tests. */
    int sliceCount() {
        return slices == null ? 0 : slices.length;
    }

    /**
     * Encodes {@code pic} (YUV 4:2:0, sides multiples of 16, cropped to the visible size) into {@code out}
     * as Annex B NAL units: on a key frame the parameter sets, then one NAL unit a slice.
     *
     * @return whether it is a key frame
     */
    boolean encode(Picture pic, ByteBuffer out) {
        boolean idr = frameNumber == 0 || (frameNumber + keyShift) % keyInterval == 0;
        if (idr) {
            lastKey = frameNumber;
            start(pic);
        }
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
        new Frame(pic, recon, idr, frameNumber - lastKey).code();
        for (Slice s : slices) {
            skipped += s.skipped;
            coded += s.coded;
            out.putInt(1);
            new NALUnit(idr ? NALUnitType.IDR_SLICE : NALUnitType.NON_IDR_SLICE, 3).write(out);
            H264Utils.escapeNAL(s.data, out);
        }
        spare = reference;
        reference = recon;
        copyInput(pic);
        frameNumber++;
        return idr;
    }

    /** One picture's slices, shared out between the caller and the helper: whichever is free takes the next. */
    private final class Frame {
        private final Picture pic;
        private final Picture recon;
        private final boolean idr;
        private final int local;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done = new CountDownLatch(slices.length);
        private volatile Throwable failed;

        Frame(Picture pic, Picture recon, boolean idr, int local) {
            this.pic = pic;
            this.recon = recon;
            this.idr = idr;
            this.local = local;
        }

        void code() {
            if (helper != null && slices.length > 1) {
                try {
                    helper.execute(this::take);
                } catch (RejectedExecutionException e) {
                    // no helper thread free: the caller codes every slice
                }
            }
            take();
            // the slices left are being coded by the helper right now: none waits in a queue
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while coding a picture's slices", e);
            }
            if (failed instanceof RuntimeException e) {
                throw e;
            }
            if (failed instanceof Error e) {
                throw e;
            }
        }

        private void take() {
            for (int i = next.getAndIncrement(); i < slices.length; i = next.getAndIncrement()) {
                try {
                    slices[i].code(pic, recon, idr, local);
                } catch (RuntimeException | Error e) {
                    failed = e;
                } finally {
                    done.countDown();
                }
            }
        }
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
        int count = Math.min(mbHeight, sliceCount > 0 ? sliceCount : slicesFor(mbHeight));
        if (slices == null || slices.length != count || slices[0].mbWidth != mbWidth || slices[count - 1].bottom != mbHeight) {
            slices = new Slice[count];
            for (int i = 0; i < count; i++) {
                slices[i] = new Slice(mbWidth, i * mbHeight / count, (i + 1) * mbHeight / count);
            }
        }
    }

    /**
     * Rows {@code top} to {@code bottom − 1} of macroblocks, coded as a slice of their own: no prediction
     * of any kind (intra samples, motion vectors, coefficient counts) reaches across its top edge, as in a
     * picture of its own; only motion compensation reads the whole reference picture. The working memory is
     * the slice's own, so slices can be coded on different threads.
     */
    private final class Slice {
        final int mbWidth;
        final int top;
        final int bottom;
        final int[] mvx;
        final int[] mvy;
        /** The macroblock being coded in a predicted picture, reused: nothing reads a neighbour's. */
        final EncodedMB predicted = new EncodedMB();
        /**
         * The residual writer of predicted pictures, reused: a block reads the counts to its left and above
         * only within the slice, all written earlier in the same picture.
         */
        final ResidualCoder residuals;
        final ByteBuffer buffer;
        ByteBuffer data;
        /** A key frame's rows of this slice, copied, so that JCodec's intra coder sees them at the top of a picture. */
        Picture keyInput;
        /** Macroblocks of the last picture skipped and coded. */
        long skipped;
        long coded;

        Slice(int mbWidth, int top, int bottom) {
            this.mbWidth = mbWidth;
            this.top = top;
            this.bottom = bottom;
            this.mvx = new int[mbWidth * (bottom - top)];
            this.mvy = new int[mbWidth * (bottom - top)];
            this.residuals = new ResidualCoder(mbWidth);
            int capacity = Math.max(1 << 16, (mbWidth * (bottom - top)) << 10);
            this.buffer = ByteBuffer.allocate(capacity);
        }

        /** Codes the slice of {@code pic} into {@link #data} (its RBSP) and its reconstruction into {@code recon}. */
        void code(Picture pic, Picture recon, boolean idr, int local) {
            int qpBase = qps.qp(0, top, idr);
            skipped = 0;
            coded = 0;
            buffer.clear();
            BitWriter w = new BitWriter(buffer);
            SliceHeader sh = new SliceHeader();
            sh.firstMbInSlice = top * mbWidth;
            sh.sliceType = idr ? SliceType.I : SliceType.P;
            sh.sps = sps;
            sh.pps = pps;
            sh.frameNum = local % (1 << (sps.log2MaxFrameNumMinus4 + 4));
            sh.picOrderCntLsb = (local << 1) % (1 << (sps.log2MaxPicOrderCntLsbMinus4 + 4));
            sh.sliceQpDelta = qpBase - (pps.picInitQpMinus26 + 26);
            sh.disableDeblockingFilterIdc = 1;
            if (idr) {
                sh.refPicMarkingIDR = new RefPicMarkingIDR(false, false);
            }
            SliceHeaderWriter.write(sh, idr, 2, w);
            w = idr ? intraRows(pic, recon, w, qpBase) : predictedRows(pic, recon, w, qpBase);
            w.write1Bit(1);
            w.flush();
            data = w.getBuffer();
            data.flip();
        }

        /** A key frame's macroblocks in raster order, as JCodec's Intra 16x16 coder writes them. */
        private BitWriter intraRows(Picture pic, Picture recon, BitWriter w, int qpBase) {
            CAVLC[] cavlc = {new CAVLC(sps, pps, 2, 2), new CAVLC(sps, pps, 1, 1), new CAVLC(sps, pps, 1, 1)};
            byte[][] leftRow = {new byte[16], new byte[8], new byte[8]};
            byte[][] topLine = {new byte[mbWidth << 4], new byte[mbWidth << 3], new byte[mbWidth << 3]};
            MBEncoderI16x16 intra = new MBEncoderI16x16(cavlc, leftRow, topLine);
            // JCodec's coder takes a macroblock's row for where it lies and what lies above: row 0 of a copy
            Picture in = top == 0 ? pic : rowsOf(pic);
            EncodedMB[] above = new EncodedMB[mbWidth];
            int prevQp = qpBase;
            for (int y = 0; y < bottom - top; y++) {
                EncodedMB left = null;
                for (int mbX = 0; mbX < mbWidth; mbX++) {
                    // fresh: JCodec's intra coder reads fields a predicted macroblock leaves behind
                    EncodedMB mb = new EncodedMB();
                    EncodedMB up = y > 0 ? above[mbX] : null;
                    int qp = qps.qp(mbX, top + y, true);
                    // Intra 16x16: the mb_type carries the prediction mode and the coded block pattern (Table 7-11)
                    int type = MBType.I_16x16.code() + intra.getPredMode(in, mbX, y) + 4 * intra.getCbpChroma(in, mbX, y)
                            + 12 * (intra.getCbpLuma(in, mbX, y) / 15);
                    CAVLCWriter.writeUE(w, type);
                    intra.encodeMacroblock(in, mbX, y, w, mb, left, up, qp, qp - prevQp);
                    prevQp = qp;
                    keepPredictors(mb.getPixels(), mbX, leftRow, topLine);
                    // the macroblock above is final now: coding this one filtered its bottom edge
                    if (y > 0) {
                        putMacroblock(recon, above[mbX].getPixels(), mbX, top + y - 1);
                    }
                    above[mbX] = mb;
                    left = mb;
                }
            }
            for (int mbX = 0; mbX < mbWidth; mbX++) {
                putMacroblock(recon, above[mbX].getPixels(), mbX, bottom - 1);
            }
            return w;
        }

        /** This slice's rows of {@code pic}, copied into a picture of their own. */
        private Picture rowsOf(Picture pic) {
            int rowCount = bottom - top;
            if (keyInput == null || keyInput.getPlaneWidth(0) != pic.getPlaneWidth(0)) {
                keyInput = Picture.create(pic.getPlaneWidth(0), rowCount << 4, ColorSpace.YUV420J);
            }
            for (int p = 0; p < 3; p++) {
                int shift = p == 0 ? 4 : 3, stride = pic.getPlaneWidth(p);
                System.arraycopy(pic.getPlaneData(p), (top << shift) * stride, keyInput.getPlaneData(p), 0,
                        (rowCount << shift) * stride);
            }
            return keyInput;
        }

        /** A predicted frame's macroblocks in raster order; neighbours are this slice's only. */
        private BitWriter predictedRows(Picture pic, Picture recon, BitWriter w, int qpBase) {
            ResidualCoder cavlc = residuals;
            InterMacroblock inter = new InterMacroblock(reference, cavlc, top);
            int prevQp = qpBase;
            int skipRun = 0;
            for (int y = 0; y < bottom - top; y++) {
                int mbY = top + y;
                for (int mbX = 0; mbX < mbWidth; mbX++) {
                    // reused: every field is written below (pixels, type, quantiser, vectors, counts), and a
                    // predicted macroblock's reconstruction is final at once, so it goes to recon at once
                    EncodedMB mb = predicted;
                    int qp = qps.qp(mbX, mbY, false);
                    int at = y * mbWidth + mbX;
                    // vectors are predicted within the slice: its rows are numbered from 0
                    int[] pred = MotionVectors.predict(mvx, mvy, mbWidth, mbX, y);
                    int[] skipMv = MotionVectors.forSkip(mvx, mvy, mbWidth, mbX, y, pred);
                    boolean still = skipMv[0] == 0 && skipMv[1] == 0 && previousInput != null && sameInput(pic, mbX, mbY);
                    BitWriter trial = null;
                    int[] mv = skipMv;
                    if (!still) {
                        // code it, on trial: kept only when its distortion saved is worth its bits
                        mv = MotionVectors.search(pic, reference, mbX, mbY, pred, qp);
                        cavlc.save();
                        trial = w.fork();
                        int start = trial.position();
                        CAVLCWriter.writeUE(trial, skipRun);
                        CAVLCWriter.writeUE(trial, MBType.P_16x16.code());
                        inter.write(trial, pic, mbX, mbY, mv[0], mv[1], pred[0], pred[1], qp, prevQp, mb);
                        double lambda = 0.85 * Math.pow(2, (qp - 12) / 3.0);
                        double codedCost = squaredError(pic, mb.getPixels(), mbX, mbY) + lambda * (trial.position() - start);
                        inter.predict(mbX, mbY, skipMv[0], skipMv[1]);
                        // the skip's error need only be known up to where it loses: past codedCost − λ by
                        // more than a unit, the comparison below cannot come out otherwise
                        long room = (long) Math.floor(codedCost - lambda) + 1;
                        if (inter.predictionError(pic, mbX, mbY, room) + lambda <= codedCost) {
                            cavlc.restore();
                            trial = null;
                            mv = skipMv;
                        }
                    } else {
                        inter.predict(mbX, mbY, 0, 0);
                    }
                    if (trial == null) {
                        inter.skipped(mb, skipMv[0], skipMv[1], prevQp);
                        cavlc.noCoefficients(mbX, y);
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
                    putMacroblock(recon, mb.getPixels(), mbX, mbY);
                }
            }
            if (skipRun > 0) {
                CAVLCWriter.writeUE(w, skipRun);
            }
            return w;
        }
    }

    /** Squared error of a reconstructed macroblock against the input, all three planes. */
    static long squaredError(Picture pic, Picture mb, int mbX, int mbY) {
        return squaredError(pic, mb, mbX, mbY, Long.MAX_VALUE);
    }

    /**
     * As {@link #squaredError(Picture, Picture, int, int)}, but it may stop at the end of a row once the sum
     * passes {@code limit}: the answer is exact when it is at most {@code limit}, and more than it otherwise.
     */
    static long squaredError(Picture pic, Picture mb, int mbX, int mbY, long limit) {
        long sum = 0;
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 4 : 3, size = 1 << shift, stride = pic.getPlaneWidth(p);
            byte[] in = pic.getPlaneData(p), out = mb.getPlaneData(p);
            for (int y = 0; y < size; y++) {
                int row = ((mbY << shift) + y) * stride + (mbX << shift);
                int rowSum = 0;
                for (int x = 0; x < size; x++) {
                    int d = in[row + x] - out[y * size + x];
                    rowSum += d * d;
                }
                sum += rowSum;
                if (sum > limit) {
                    return sum;
                }
            }
        }
        return sum;
    }

    /** Copies a macroblock's pixels (16x16 luma, 8x8 chroma) into {@code pic} at macroblock (mbX, mbY), a row at a time. */
    static void putMacroblock(Picture pic, Picture mb, int mbX, int mbY) {
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 4 : 3, size = 1 << shift, stride = pic.getPlaneWidth(p);
            byte[] dst = pic.getPlaneData(p), src = mb.getPlaneData(p);
            int at = (mbY << shift) * stride + (mbX << shift);
            for (int y = 0; y < size; y++, at += stride) {
                System.arraycopy(src, y * size, dst, at, size);
            }
        }
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
