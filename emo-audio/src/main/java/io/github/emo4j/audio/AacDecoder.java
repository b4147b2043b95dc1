package io.github.emo4j.audio;

import java.nio.file.Path;

/**
 * AAC-LC (ISO/IEC 14496-3, the low-complexity profile) from raw access units to mono samples: every
 * tool of the profile (section and scalefactor decoding, pulses, perceptual noise substitution,
 * mid/side and intensity stereo, temporal noise shaping, sine and Kaiser-Bessel-derived windows, the four
 * window sequences) with the standard's tables read from JCodec ({@link AacTables}). Main-profile
 * prediction, gain control, coupling channels, program config elements and HE-AAC's SBR and PS are
 * refused by name; SBR data in fill elements of an implicitly signalled stream is skipped (the core is
 * decoded at its own rate).
 */
final class AacDecoder {
    static final int FRAME = 1024;
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
    /** TNS: the highest band filtered, per sample-rate index, long and short windows (LC profile). */
    private static final int[] TNS_MAX_BANDS_LONG = {31, 31, 34, 40, 42, 51, 46, 46, 42, 42, 42, 39, 39};
    private static final int[] TNS_MAX_BANDS_SHORT = {9, 9, 10, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14};
    private static final int ONLY_LONG = 0, LONG_START = 1, EIGHT_SHORT = 2, LONG_STOP = 3;
    private static final int ZERO_HCB = 0, ESC_HCB = 11, NOISE_HCB = 13, INTENSITY_HCB2 = 14, INTENSITY_HCB = 15;

    /** |q|^(4/3) for every magnitude an escape code can give (at most 2^13 - 1), plus a pulse (at most 15). */
    private static final float[] POW43 = new float[8192 + 16];

    static {
        for (int i = 0; i < POW43.length; i++) {
            POW43[i] = (float) Math.pow(i, 4.0 / 3);
        }
    }

    private final Path file;
    private final int rateIndex;
    private final int rate;
    private final int channels;
    private final Channel[] state;
    private final Imdct longImdct = new Imdct(2048), shortImdct = new Imdct(256);
    private static final float[][] SINE = {window(2048, false), window(256, false)};
    private static final float[][] KBD = {window(2048, true), window(256, true)};
    private int noiseSeed = 0x1F2E3D4C;
    private long frames;
    /** How often each tool was met: noise bands, intensity bands, mid/side bands, TNS filters, short frames. */
    final long[] usage = new long[5];

    /** What persists in a channel from one frame to the next: the overlap and the last window's shape. */
    private static final class Channel {
        final float[] overlap = new float[FRAME];
        int previousShape;
    }

    /** One channel's data within a frame. */
    private final class Ics {
        int windowSequence, windowShape, maxSfb, groups;
        final int[] groupLength = new int[8];
        final int[][] sectionCodebook = new int[8][64];
        final int[][] scalefactor = new int[8][64];
        final float[] spec = new float[FRAME];
        final int[] quant = new int[FRAME];
        boolean tns;
        final int[] tnsFilters = new int[8];
        final int[][] tnsLength = new int[8][4], tnsOrder = new int[8][4], tnsDirection = new int[8][4];
        final float[][][] tnsLpc = new float[8][4][21];

        boolean isShort() {
            return windowSequence == EIGHT_SHORT;
        }

        int[] offsets() {
            return isShort() ? AacTables.SWB_SHORT[Math.min(rateIndex, 11)] : AacTables.SWB_LONG[Math.min(rateIndex, 11)];
        }

        int bands() {
            return offsets().length - 1;
        }
    }

    private final Ics[] ics = new Ics[2];
    /** Work arrays reused frame after frame: mid/side flags, a TNS filter's state, the windowed IMDCT outputs. */
    private final boolean[][] msUsed = new boolean[8][64];
    private final float[] tnsState = new float[32];
    private final float[] windowed = new float[2048];
    private final float[] shortOut = new float[256];

    /**
     * @param asc the AudioSpecificConfig (the MP4 {@code esds} decoder-specific info)
     * @throws AudioException for anything but AAC-LC, or a malformed configuration
     */
    AacDecoder(Path file, byte[] asc) throws AudioException {
        this.file = file;
        if (asc == null || asc.length < 2) {
            throw new AudioException(file, "AAC decoder configuration missing or shorter than 2 bytes");
        }
        MsbBits b = new MsbBits(asc, 0, asc.length);
        int type = b.read(5);
        if (type == 31) {
            type = 32 + b.read(6);
        }
        int index = b.read(4);
        int r = index == 15 ? b.read(24) : index < RATES.length ? RATES[index] : -1;
        int config = b.read(4);
        if (type == 5 || type == 29) {
            throw new AudioException(file, "HE-AAC" + (type == 29 ? " v2 (SBR and parametric stereo)" : " (SBR)")
                    + " is not supported; AAC-LC is");
        }
        if (type != 2) {
            throw new AudioException(file, "AAC object type " + type + " is not supported; AAC-LC (2) is"
                    + (type == 1 ? " (this is AAC Main)" : ""));
        }
        if (r <= 0) {
            throw new AudioException(file, "AAC sample rate index " + index + " is reserved");
        }
        if (index == 15) {
            // explicit rate: use the table of the nearest standard rate, as decoders do
            int best = 0;
            for (int i = 1; i < RATES.length; i++) {
                if (Math.abs(RATES[i] - r) < Math.abs(RATES[best] - r)) {
                    best = i;
                }
            }
            index = best;
        }
        if (config < 1 || config > 2) {
            throw new AudioException(file, "AAC channel configuration " + config + " is not supported (1: mono and 2: stereo are)");
        }
        if (r < WavDecoder.MIN_RATE || r > WavDecoder.MAX_RATE) {
            throw new AudioException(file, "AAC sample rate " + r + " Hz is out of range");
        }
        this.rateIndex = index;
        this.rate = r;
        this.channels = config;
        this.state = new Channel[config];
        for (int c = 0; c < config; c++) {
            state[c] = new Channel();
        }
        ics[0] = new Ics();
        ics[1] = new Ics();
    }

    int rate() {
        return rate;
    }

    int channels() {
        return channels;
    }

    /**
     * Decodes one access unit into {@code out[0..1024)}, the channels averaged.
     *
     * @throws AudioException if the frame is malformed or uses a tool outside AAC-LC
     */
    void decode(byte[] frame, int offset, int length, float[] out) throws AudioException {
        frames++;
        MsbBits b = new MsbBits(frame, offset, length);
        java.util.Arrays.fill(out, 0, FRAME, 0f);
        int decodedChannels = 0;
        try {
            while (true) {
                int id = b.read(3);
                switch (id) {
                    case 0, 3 -> { // SCE, LFE
                        b.read(4);
                        if (decodedChannels >= channels) {
                            throw malformed("more channels than its configuration");
                        }
                        Ics s = ics[0];
                        readIcs(b, s, false);
                        reconstruct(s);
                        synthesize(s, state[decodedChannels++], out);
                    }
                    case 1 -> { // CPE
                        b.read(4);
                        if (decodedChannels + 2 > channels) {
                            throw malformed("a channel pair in a mono stream");
                        }
                        cpe(b, out, decodedChannels);
                        decodedChannels += 2;
                    }
                    case 2 -> throw new AudioException(file, "AAC coupling channel elements are not supported");
                    case 4 -> b.skipElement(true);
                    case 5 -> throw new AudioException(file, "AAC program config elements in frames are not supported");
                    case 6 -> b.skipElement(false); // FIL: SBR or padding
                    default -> { // END
                        if (decodedChannels != channels) {
                            throw malformed("ends with " + decodedChannels + " of " + channels + " channels");
                        }
                        float scale = 1f / (32768f * channels);
                        for (int i = 0; i < FRAME; i++) {
                            out[i] *= scale;
                        }
                        return;
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw malformed("runs past its end");
        }
    }

    private AudioException malformed(String what) {
        return new AudioException(file, "malformed AAC frame " + frames + ": " + what);
    }

    private void cpe(MsbBits b, float[] out, int first) throws AudioException {
        Ics l = ics[0], r = ics[1];
        boolean common = b.read(1) == 1;
        int msPresent = 0;
        for (boolean[] row : msUsed) {
            java.util.Arrays.fill(row, false);
        }
        if (common) {
            readInfo(b, l);
            copyInfo(l, r);
            msPresent = b.read(2);
            if (msPresent == 3) {
                throw malformed("reserved mid/side mode");
            }
            if (msPresent == 1) {
                for (int g = 0; g < l.groups; g++) {
                    for (int sfb = 0; sfb < l.maxSfb; sfb++) {
                        msUsed[g][sfb] = b.read(1) == 1;
                    }
                }
            } else if (msPresent == 2) {
                for (boolean[] row : msUsed) {
                    java.util.Arrays.fill(row, true);
                }
            }
        }
        readIcs(b, l, common);
        readIcs(b, r, common);
        dequantize(l);
        dequantize(r);
        int[] offsets = l.offsets();
        for (int g = 0, window = 0; g < l.groups; window += l.groupLength[g], g++) {
            for (int sfb = 0; sfb < l.maxSfb; sfb++) {
                int cbL = l.sectionCodebook[g][sfb], cbR = r.sectionCodebook[g][sfb];
                for (int w = window; w < window + l.groupLength[g]; w++) {
                    int base = l.isShort() ? w * 128 : 0;
                    int from = base + offsets[sfb], to = base + offsets[sfb + 1];
                    if (cbR == INTENSITY_HCB || cbR == INTENSITY_HCB2) {
                        usage[1]++;
                        float sign = (cbR == INTENSITY_HCB ? 1 : -1) * (msPresent == 1 && msUsed[g][sfb] ? -1 : 1);
                        float scale = sign * (float) Math.pow(0.5, 0.25 * r.scalefactor[g][sfb]);
                        for (int k = from; k < to; k++) {
                            r.spec[k] = l.spec[k] * scale;
                        }
                    } else if (cbL == NOISE_HCB && cbR == NOISE_HCB && msUsed[g][sfb]) {
                        // correlated noise: the right channel's band is the left's noise at its own energy
                        noiseLike(l.spec, r.spec, from, to, r.scalefactor[g][sfb]);
                    } else if (msUsed[g][sfb] && cbL != NOISE_HCB && cbR != NOISE_HCB) {
                        usage[2]++;
                        for (int k = from; k < to; k++) {
                            float m = l.spec[k], s = r.spec[k];
                            l.spec[k] = m + s;
                            r.spec[k] = m - s;
                        }
                    }
                }
            }
        }
        tns(l);
        tns(r);
        synthesize(l, state[first], out);
        synthesize(r, state[first + 1], out);
    }

    private static void copyInfo(Ics from, Ics to) {
        to.windowSequence = from.windowSequence;
        to.windowShape = from.windowShape;
        to.maxSfb = from.maxSfb;
        to.groups = from.groups;
        System.arraycopy(from.groupLength, 0, to.groupLength, 0, 8);
    }

    private void readInfo(MsbBits b, Ics s) throws AudioException {
        if (b.read(1) != 0) {
            throw malformed("reserved bit set in ics_info");
        }
        s.windowSequence = b.read(2);
        s.windowShape = b.read(1);
        if (s.isShort()) {
            s.maxSfb = b.read(4);
            int grouping = b.read(7);
            s.groups = 1;
            s.groupLength[0] = 1;
            for (int w = 1; w < 8; w++) {
                if ((grouping >> (7 - w) & 1) == 1) {
                    s.groupLength[s.groups - 1]++;
                } else {
                    s.groupLength[s.groups++] = 1;
                }
            }
        } else {
            s.maxSfb = b.read(6);
            s.groups = 1;
            s.groupLength[0] = 1;
            if (b.read(1) == 1) {
                throw new AudioException(file, "AAC prediction (the Main profile) is not supported");
            }
        }
        if (s.maxSfb > s.bands()) {
            throw malformed("max_sfb " + s.maxSfb + " above the " + s.bands() + " bands of its window");
        }
    }

    /** individual_channel_stream(): everything but the reconstruction. */
    private void readIcs(MsbBits b, Ics s, boolean common) throws AudioException {
        int globalGain = b.read(8);
        if (!common) {
            readInfo(b, s);
        }
        // section data
        int bits = s.isShort() ? 3 : 5, escape = (1 << bits) - 1;
        for (int g = 0; g < s.groups; g++) {
            int k = 0;
            while (k < s.maxSfb) {
                int cb = b.read(4);
                if (cb == 12) {
                    throw malformed("reserved codebook 12");
                }
                int length = 0, incr;
                while ((incr = b.read(bits)) == escape) {
                    length += escape;
                }
                length += incr;
                if (k + length > s.maxSfb) {
                    throw malformed("a section runs past max_sfb");
                }
                for (int i = 0; i < length; i++) {
                    s.sectionCodebook[g][k++] = cb;
                }
                if (length == 0 && cb == 0 && k < s.maxSfb && b.left() <= 0) {
                    throw malformed("runs past its end");
                }
            }
            for (int i = s.maxSfb; i < 64; i++) {
                s.sectionCodebook[g][i] = ZERO_HCB;
            }
        }
        // scalefactors
        int gain = globalGain, intensity = 0, noise = globalGain - 90;
        boolean firstNoise = true;
        for (int g = 0; g < s.groups; g++) {
            for (int sfb = 0; sfb < s.maxSfb; sfb++) {
                int cb = s.sectionCodebook[g][sfb];
                if (cb == ZERO_HCB) {
                    s.scalefactor[g][sfb] = 0;
                } else if (cb == INTENSITY_HCB || cb == INTENSITY_HCB2) {
                    intensity += AacTables.SF_VALUES[leaf(b, AacTables.SF_TREE)] - 60;
                    s.scalefactor[g][sfb] = intensity;
                } else if (cb == NOISE_HCB) {
                    if (firstNoise) {
                        noise += b.read(9) - 256;
                        firstNoise = false;
                    } else {
                        noise += AacTables.SF_VALUES[leaf(b, AacTables.SF_TREE)] - 60;
                    }
                    s.scalefactor[g][sfb] = noise;
                } else {
                    gain += AacTables.SF_VALUES[leaf(b, AacTables.SF_TREE)] - 60;
                    if (gain < 0 || gain > 255) {
                        throw malformed("scalefactor " + gain + " out of range");
                    }
                    s.scalefactor[g][sfb] = gain;
                }
            }
        }
        java.util.Arrays.fill(s.quant, 0);
        int[] offsets = s.offsets();
        // pulse data
        int[] pulseAt = null, pulseAmp = null;
        if (b.read(1) == 1) {
            if (s.isShort()) {
                throw malformed("pulse data in short windows");
            }
            int n = b.read(2) + 1, start = b.read(6);
            if (start >= s.bands()) {
                throw malformed("pulse start band " + start);
            }
            pulseAt = new int[n];
            pulseAmp = new int[n];
            int at = offsets[start];
            for (int i = 0; i < n; i++) {
                at += b.read(5);
                pulseAt[i] = at;
                pulseAmp[i] = b.read(4);
                if (at >= FRAME) {
                    throw malformed("pulse past the spectrum");
                }
            }
        }
        // temporal noise shaping
        s.tns = b.read(1) == 1;
        if (s.tns) {
            readTns(b, s);
        }
        if (b.read(1) == 1) {
            throw new AudioException(file, "AAC gain control (the SSR profile) is not supported");
        }
        // spectral data
        for (int g = 0, window = 0; g < s.groups; window += s.groupLength[g], g++) {
            for (int sfb = 0; sfb < s.maxSfb; sfb++) {
                int cb = s.sectionCodebook[g][sfb];
                if (cb == ZERO_HCB || cb >= NOISE_HCB) {
                    continue;
                }
                int dim = AacTables.DIM[cb];
                int[] tree = AacTables.TREE[cb], values = AacTables.VALUES[cb];
                for (int w = window; w < window + s.groupLength[g]; w++) {
                    int base = s.isShort() ? w * 128 : 0;
                    for (int k = base + offsets[sfb]; k < base + offsets[sfb + 1]; k += dim) {
                        int e = leaf(b, tree);
                        for (int d = 0; d < dim; d++) {
                            int v = values[e * dim + d];
                            if (AacTables.UNSIGNED[cb] && v != 0 && b.read(1) == 1) {
                                v = -v;
                            }
                            s.quant[k + d] = v;
                        }
                        if (cb == ESC_HCB) {
                            for (int d = 0; d < dim; d++) {
                                int v = s.quant[k + d];
                                if (Math.abs(v) == 16) {
                                    int n = 4;
                                    while (b.read(1) == 1) {
                                        if (++n > 12) {
                                            throw malformed("escape code too long");
                                        }
                                    }
                                    int magnitude = (1 << n) + b.read(n);
                                    s.quant[k + d] = v < 0 ? -magnitude : magnitude;
                                }
                            }
                        }
                    }
                }
            }
        }
        if (pulseAt != null) {
            for (int i = 0; i < pulseAt.length; i++) {
                int q = s.quant[pulseAt[i]];
                s.quant[pulseAt[i]] = q >= 0 ? q + pulseAmp[i] : q - pulseAmp[i];
            }
        }
    }

    private void readTns(MsbBits b, Ics s) {
        boolean isShort = s.isShort();
        int windows = isShort ? 8 : 1;
        for (int w = 0; w < windows; w++) {
            int n = b.read(isShort ? 1 : 2);
            s.tnsFilters[w] = n;
            if (n == 0) {
                continue;
            }
            int coefRes = b.read(1);
            for (int f = 0; f < n; f++) {
                s.tnsLength[w][f] = b.read(isShort ? 4 : 6);
                int order = b.read(isShort ? 3 : 5);
                s.tnsOrder[w][f] = order;
                if (order == 0) {
                    continue;
                }
                s.tnsDirection[w][f] = b.read(1);
                int compress = b.read(1);
                int resBits = coefRes + 3, coefBits = resBits - compress;
                double iqfac = ((1 << (resBits - 1)) - 0.5) / (Math.PI / 2);
                double iqfacM = ((1 << (resBits - 1)) + 0.5) / (Math.PI / 2);
                double[] parcor = new double[order];
                for (int i = 0; i < order; i++) {
                    int c = b.read(coefBits);
                    if ((c & (1 << (coefBits - 1))) != 0) {
                        c -= 1 << coefBits;
                    }
                    parcor[i] = Math.sin(c / (c >= 0 ? iqfac : iqfacM));
                }
                // reflection coefficients to the direct-form filter
                double[] a = new double[order + 1], tmp = new double[order + 1];
                a[0] = 1;
                for (int m = 1; m <= order; m++) {
                    for (int i = 1; i < m; i++) {
                        tmp[i] = a[i] + parcor[m - 1] * a[m - i];
                    }
                    System.arraycopy(tmp, 1, a, 1, m - 1);
                    a[m] = parcor[m - 1];
                }
                for (int i = 0; i <= order; i++) {
                    s.tnsLpc[w][f][i] = (float) a[i];
                }
            }
        }
    }

    /** A single channel's spectrum: dequantized, noise substituted, TNS applied. */
    private void reconstruct(Ics s) {
        dequantize(s);
        tns(s);
    }

    private void dequantize(Ics s) {
        int[] offsets = s.offsets();
        java.util.Arrays.fill(s.spec, 0f);
        for (int g = 0, window = 0; g < s.groups; window += s.groupLength[g], g++) {
            for (int sfb = 0; sfb < s.maxSfb; sfb++) {
                int cb = s.sectionCodebook[g][sfb];
                if (cb == ZERO_HCB || cb == INTENSITY_HCB || cb == INTENSITY_HCB2) {
                    continue;
                }
                for (int w = window; w < window + s.groupLength[g]; w++) {
                    int base = s.isShort() ? w * 128 : 0;
                    int from = base + offsets[sfb], to = base + offsets[sfb + 1];
                    if (cb == NOISE_HCB) {
                        usage[0]++;
                        noise(s.spec, from, to, s.scalefactor[g][sfb]);
                        continue;
                    }
                    float scale = (float) Math.pow(2, 0.25 * (s.scalefactor[g][sfb] - 100));
                    for (int k = from; k < to; k++) {
                        int q = s.quant[k];
                        s.spec[k] = q >= 0 ? POW43[q] * scale : -POW43[-q] * scale;
                    }
                }
            }
        }
    }

    /**
     * Perceptual noise substitution: uniform noise scaled to the band energy 2^(sf/2). Any noise will do;
     * this generator (the common 32-bit LCG, 1664525 and 1013904223) and seed are the ones ffmpeg's decoder
     * uses, so mono streams decode to ffmpeg's samples in noise bands too, which makes the comparison exact.
     */
    private void noise(float[] spec, int from, int to, int sf) {
        double energy = 0;
        for (int k = from; k < to; k++) {
            noiseSeed = noiseSeed * 1664525 + 1013904223;
            spec[k] = noiseSeed;
            energy += (double) spec[k] * spec[k];
        }
        float scale = (float) (Math.pow(2, 0.25 * sf) / Math.sqrt(Math.max(energy, 1e-30)));
        for (int k = from; k < to; k++) {
            spec[k] *= scale;
        }
    }

    private static void noiseLike(float[] left, float[] right, int from, int to, int sf) {
        double energy = 0;
        for (int k = from; k < to; k++) {
            energy += (double) left[k] * left[k];
        }
        float scale = (float) (Math.pow(2, 0.25 * sf) / Math.sqrt(Math.max(energy, 1e-30)));
        for (int k = from; k < to; k++) {
            right[k] = left[k] * scale;
        }
    }

    /** Temporal noise shaping: each filter runs over its bands of the spectrum, upwards or downwards. */
    private void tns(Ics s) {
        if (!s.tns) {
            return;
        }
        boolean isShort = s.isShort();
        int windows = isShort ? 8 : 1, size = isShort ? 128 : FRAME;
        int[] offsets = s.offsets();
        int maxBands = Math.min((isShort ? TNS_MAX_BANDS_SHORT : TNS_MAX_BANDS_LONG)[rateIndex], s.maxSfb);
        int maxOrder = isShort ? 7 : 12;
        for (int w = 0; w < windows; w++) {
            int top = s.bands();
            for (int f = 0; f < s.tnsFilters[w]; f++) {
                int bottom = Math.max(top - s.tnsLength[w][f], 0);
                int order = Math.min(s.tnsOrder[w][f], maxOrder);
                int start = offsets[Math.min(bottom, maxBands)], end = offsets[Math.min(top, maxBands)];
                top = bottom;
                if (order == 0 || end <= start) {
                    continue;
                }
                usage[3]++;
                float[] a = s.tnsLpc[w][f];
                int base = w * size;
                int inc = s.tnsDirection[w][f] == 1 ? -1 : 1;
                int k = s.tnsDirection[w][f] == 1 ? end - 1 : start;
                float[] y = tnsState;
                java.util.Arrays.fill(y, 0, order, 0f);
                for (int n = 0; n < end - start; n++, k += inc) {
                    float x = s.spec[base + k];
                    for (int i = 0; i < order; i++) {
                        x -= a[i + 1] * y[i];
                    }
                    System.arraycopy(y, 0, y, 1, order - 1);
                    y[0] = x;
                    s.spec[base + k] = x;
                }
            }
        }
    }

    /** The filter bank: IMDCT, windowing by sequence and shapes, overlap-add; adds the channel to {@code out}. */
    private void synthesize(Ics s, Channel ch, float[] out) {
        float[] buf = windowed;
        int prev = ch.previousShape, cur = s.windowShape;
        float[] longPrev = (prev == 1 ? KBD : SINE)[0], longCur = (cur == 1 ? KBD : SINE)[0];
        float[] shortPrev = (prev == 1 ? KBD : SINE)[1], shortCur = (cur == 1 ? KBD : SINE)[1];
        if (s.isShort()) {
            usage[4]++;
            java.util.Arrays.fill(buf, 0f);
            float[] t = shortOut;
            for (int w = 0; w < 8; w++) {
                shortImdct.inverse(s.spec, w * 128, t);
                float[] left = w == 0 ? shortPrev : shortCur;
                for (int n = 0; n < 128; n++) {
                    buf[448 + w * 128 + n] += t[n] * left[n];
                    buf[448 + w * 128 + 128 + n] += t[128 + n] * shortCur[128 + n];
                }
            }
        } else {
            longImdct.inverse(s.spec, 0, buf);
            switch (s.windowSequence) {
                case LONG_START -> {
                    for (int n = 0; n < 1024; n++) {
                        buf[n] *= longPrev[n];
                    }
                    for (int n = 1472; n < 1600; n++) {
                        buf[n] *= shortCur[n - 1472 + 128];
                    }
                    java.util.Arrays.fill(buf, 1600, 2048, 0f);
                }
                case LONG_STOP -> {
                    java.util.Arrays.fill(buf, 0, 448, 0f);
                    for (int n = 448; n < 576; n++) {
                        buf[n] *= shortPrev[n - 448];
                    }
                    for (int n = 1024; n < 2048; n++) {
                        buf[n] *= longCur[n];
                    }
                }
                default -> {
                    for (int n = 0; n < 1024; n++) {
                        buf[n] *= longPrev[n];
                    }
                    for (int n = 1024; n < 2048; n++) {
                        buf[n] *= longCur[n];
                    }
                }
            }
        }
        for (int n = 0; n < FRAME; n++) {
            out[n] += buf[n] + ch.overlap[n];
            ch.overlap[n] = buf[FRAME + n];
        }
        ch.previousShape = cur;
    }

    /** A window of {@code n} samples: sine, or Kaiser-Bessel derived (alpha 4 long, 6 short). */
    private static float[] window(int n, boolean kbd) {
        float[] w = new float[n];
        if (!kbd) {
            for (int i = 0; i < n; i++) {
                w[i] = (float) Math.sin(Math.PI / n * (i + 0.5));
            }
            return w;
        }
        double alpha = n == 2048 ? 4 : 6;
        int half = n / 2;
        double[] kaiser = new double[half + 1];
        double total = 0;
        for (int i = 0; i <= half; i++) {
            double x = 2.0 * i / half - 1;
            kaiser[i] = besselI0(Math.PI * alpha * Math.sqrt(1 - x * x));
            total += kaiser[i];
        }
        double sum = 0;
        for (int i = 0; i < half; i++) {
            sum += kaiser[i];
            w[i] = (float) Math.sqrt(sum / total);
            w[n - 1 - i] = w[i];
        }
        return w;
    }

    private static double besselI0(double x) {
        double sum = 1, term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    /** The entry a codeword leads to. */
    private int leaf(MsbBits b, int[] tree) throws AudioException {
        int e = b.leaf(tree);
        if (e < 0) {
            throw malformed("not a codeword");
        }
        return e;
    }
}
