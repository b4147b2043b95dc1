package io.github.emo4j.video;

import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.Size;

/**
 * JCodec's H.264 encoder with the colour signalling it leaves out: the sequence parameter set carries
 * VUI saying limited ("TV") range and BT.601 (SMPTE 170M) primaries, transfer and matrix, which is
 * exactly how {@link Bt601} converts. Players then need not guess.
 */
final class SignalledH264Encoder extends H264Encoder {
    /** ITU-T H.264 Table E-3/E-4/E-5 code for SMPTE 170M (BT.601, 525 lines). */
    static final int SMPTE_170M = 6;

    SignalledH264Encoder(RateControl rc) {
        super(rc);
    }

    @Override
    public SeqParameterSet initSPS(Size sz) {
        SeqParameterSet sps = super.initSPS(sz);
        VUIParameters vui = new VUIParameters();
        vui.videoSignalTypePresentFlag = true;
        vui.videoFormat = 5;              // unspecified
        vui.videoFullRangeFlag = false;   // Y' 16-235, C 16-240
        vui.colourDescriptionPresentFlag = true;
        vui.colourPrimaries = SMPTE_170M;
        vui.transferCharacteristics = SMPTE_170M;
        vui.matrixCoefficients = SMPTE_170M;
        sps.vuiParams = vui;
        return sps;
    }
}
