package io.github.emo4j.video;

import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.common.model.Size;
import org.jcodec.common.tools.MathUtil;
import org.jcodec.codecs.h264.io.model.SliceType;

/**
 * Constant-quality rate control for JCodec's H.264 encoder: every frame starts at the chosen
 * quantiser (P frames at the same QP as I frames, so static background does not drift), and the QP is
 * raised inside a frame only when it would overflow the encoder's buffer. JCodec's default uses a fixed
 * QP of 20 for I and 26 for P frames, which costs about 4 levels of mean error on detailed portraits.
 */
final class ConstantQualityRateControl implements RateControl {

    private final int qp;
    private int bitsPerMb;

    ConstantQualityRateControl(int qp) {
        this.qp = MathUtil.clip(qp, 0, 51);
    }

    @Override
    public int startPicture(Size sz, int maxSize, SliceType sliceType) {
        int mbs = ((sz.getWidth() + 15) >> 4) * ((sz.getHeight() + 15) >> 4);
        bitsPerMb = (maxSize << 3) / mbs;
        return qp;
    }

    @Override
    public int initialQpDelta() {
        return 0;
    }

    @Override
    public int accept(int bits) {
        return bits >= bitsPerMb ? 1 : 0;
    }
}
