package io.github.emo4j.video;

import org.jcodec.common.model.Picture;

/**
 * Motion vectors of 16x16 P macroblocks, in quarter pixels, over a frame's macroblocks in raster order:
 * the prediction a decoder forms from the neighbours (H.264 8.4.1.3, one reference picture), the vector
 * it infers for a skipped macroblock (8.4.1.1), and a whole-pixel search.
 */
final class MotionVectors {
    private MotionVectors() {
    }

    /** Whole pixels searched around zero and around the prediction. */
    private static final int RANGE = 4;

    /**
     * The predicted vector of macroblock (mbX, mbY): the median of left (A), above (B) and above-right
     * (C, or above-left when C lies outside) neighbours, all of which, being P macroblocks of this frame
     * already coded, refer to picture 0; when only A exists, A.
     */
    static int[] predict(int[] mvx, int[] mvy, int mbWidth, int mbX, int mbY) {
        boolean a = mbX > 0, b = mbY > 0, c = mbY > 0 && mbX + 1 < mbWidth, d = mbX > 0 && mbY > 0;
        int left = mbY * mbWidth + mbX - 1, up = (mbY - 1) * mbWidth + mbX;
        int ax = a ? mvx[left] : 0, ay = a ? mvy[left] : 0;
        if (!b) {
            // B and C unavailable: both take A; with A missing too, every candidate is absent and the median is zero
            return new int[] {ax, ay};
        }
        int bx = mvx[up], by = mvy[up];
        int cx, cy;
        boolean cAvailable = c || d;
        if (c) {
            cx = mvx[up + 1];
            cy = mvy[up + 1];
        } else if (d) {
            cx = mvx[up - 1];
            cy = mvy[up - 1];
        } else {
            cx = 0;
            cy = 0;
        }
        // an absent neighbour has no reference; when exactly one has reference 0, its vector is the prediction
        int present = (a ? 1 : 0) + 1 + (cAvailable ? 1 : 0);
        if (present == 1) {
            return new int[] {bx, by};
        }
        return new int[] {median(ax, bx, cx), median(ay, by, cy)};
    }

    /** The vector of a skipped macroblock: zero at the picture's top and left and next to a still neighbour, else the prediction. */
    static int[] forSkip(int[] mvx, int[] mvy, int mbWidth, int mbX, int mbY, int[] predicted) {
        if (mbX == 0 || mbY == 0) {
            return new int[] {0, 0};
        }
        int left = mbY * mbWidth + mbX - 1, up = (mbY - 1) * mbWidth + mbX;
        if ((mvx[left] == 0 && mvy[left] == 0) || (mvx[up] == 0 && mvy[up] == 0)) {
            return new int[] {0, 0};
        }
        return predicted;
    }

    /**
     * The whole-pixel vector with the least SAD plus a cost for the vector difference's bits: the better
     * of zero and the prediction, then a small diamond descent from it (at most {@value #RANGE} steps),
     * keeping the block inside the picture; an offset is measured once, however often the descent comes
     * back to it.
     */
    static int[] search(Picture pic, Picture ref, int mbX, int mbY, int[] predicted, int qp) {
        double lambda = Math.sqrt(0.85 * Math.pow(2, (qp - 12) / 3.0));
        Candidate best = new Candidate(pic, ref, mbX, mbY, predicted, lambda);
        best.consider(0, 0);
        best.consider(Math.round(predicted[0] / 4f), Math.round(predicted[1] / 4f));
        for (int step = 0; step < RANGE; step++) {
            int cx = best.x, cy = best.y;
            best.consider(cx + 1, cy);
            best.consider(cx - 1, cy);
            best.consider(cx, cy + 1);
            best.consider(cx, cy - 1);
            if (best.x == cx && best.y == cy) {
                break;
            }
        }
        return new int[] {4 * best.x, 4 * best.y};
    }

    /** The best vector so far of one macroblock's search. */
    private static final class Candidate {
        private final Picture pic;
        private final Picture ref;
        private final int mbX;
        private final int mbY;
        private final int[] predicted;
        private final double lambda;
        /** Offsets already considered, as {@link #key}: one considered again cannot win (costs only fall, ties lose). */
        private final int[] seen = new int[2 + 4 * RANGE];
        private int seenCount;
        int x;
        int y;
        double cost = Double.MAX_VALUE;

        Candidate(Picture pic, Picture ref, int mbX, int mbY, int[] predicted, double lambda) {
            this.pic = pic;
            this.ref = ref;
            this.mbX = mbX;
            this.mbY = mbY;
            this.predicted = predicted;
            this.lambda = lambda;
        }

        void consider(int dx, int dy) {
            int key = key(dx, dy);
            for (int i = 0; i < seenCount; i++) {
                if (seen[i] == key) {
                    return;
                }
            }
            seen[seenCount++] = key;
            int px = (mbX << 4) + dx, py = (mbY << 4) + dy;
            if (px < 0 || py < 0 || px + 16 > ref.getPlaneWidth(0) || py + 16 > ref.getPlaneHeight(0)
                    || Math.abs(dx) > 4 * RANGE || Math.abs(dy) > 4 * RANGE) {
                return;
            }
            double bits = lambda * (bits(4 * dx - predicted[0]) + bits(4 * dy - predicted[1]));
            if (bits >= cost) {
                return;
            }
            int sad = InterMacroblock.sad(pic, ref, mbX, mbY, dx, dy, (int) Math.min(Integer.MAX_VALUE, Math.ceil(cost - bits)));
            if (sad + bits < cost) {
                cost = sad + bits;
                x = dx;
                y = dy;
            }
        }
    }

    /** An offset of at most 255 whole pixels each way, as one int. */
    private static int key(int dx, int dy) {
        return (dx + 256) << 10 | (dy + 256);
    }

    /** Bits of a signed Exp-Golomb code. */
    private static int bits(int v) {
        int code = v > 0 ? 2 * v - 1 : -2 * v;
        return 2 * (31 - Integer.numberOfLeadingZeros(code + 1)) + 1;
    }

    private static int median(int a, int b, int c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
