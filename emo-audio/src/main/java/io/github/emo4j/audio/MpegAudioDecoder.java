package io.github.emo4j.audio;

import java.nio.file.Path;

/**
 * MPEG-1, 2 and 2.5 audio Layer III (ISO/IEC 11172-3, 13818-3), and Layer II (MP2, {@link Layer2Frame}),
 * decoded by emo4j:
 * frame sync across ID3 tags and junk, the bit reservoir, MPEG-1 and LSF scalefactors, Huffman big values and count1
 * quadruples, requantization, mid/side and intensity stereo (MPEG-1 and LSF), short, long and mixed
 * blocks, alias reduction, the IMDCT with its four windows, and the polyphase synthesis filterbank. The
 * output is mixed to mono as it is made. A frame whose reservoir the stream does not hold (the first
 * frames after a cut) decodes to silence, as ffmpeg's does.
 */
final class MpegAudioDecoder {
    private static final int[] KBPS_1 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    private static final int[] KBPS_2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    private static final int[] RATES = {44100, 48000, 32000};
    private static final int[][] SLEN = {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {3, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2},
        {2, 3}, {3, 1}, {3, 2}, {3, 3}, {4, 2}, {4, 3}};
    private static final int[] PRETAB = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0};
    /** LSF scalefactor counts: [table][long, short, mixed][4 parts]. */
    private static final int[][][] NR_OF_SFB = {
        {{6, 5, 5, 5}, {9, 9, 9, 9}, {6, 9, 9, 9}}, {{6, 5, 7, 3}, {9, 9, 12, 6}, {6, 9, 12, 6}},
        {{11, 10, 0, 0}, {18, 18, 0, 0}, {15, 18, 0, 0}}, {{7, 7, 7, 0}, {12, 12, 12, 0}, {6, 15, 12, 0}},
        {{6, 6, 6, 3}, {12, 9, 9, 6}, {6, 12, 9, 6}}, {{8, 8, 5, 0}, {15, 12, 9, 0}, {6, 18, 9, 0}}};
    private static final float[] CS = new float[8];
    private static final float[] CA = new float[8];
    /** x^(4/3) for the quantized values up to 8206 (15 plus 13 linbits). */
    private static final float[] POW43 = new float[8207];
    /** Windows of the four block types, 36 points (type 2: the 12-point short window). */
    private static final float[][] WIN = new float[4][36];
    private static final float[][] IMDCT36 = new float[36][18];
    private static final float[][] IMDCT12 = new float[12][6];
    /** The synthesis matrix N[i][k] = cos((16 + i)(2k + 1)π/64). */
    private static final float[][] SYNTH = new float[64][32];

    static {
        double[] c = {-0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037};
        for (int i = 0; i < 8; i++) {
            double sq = Math.sqrt(1 + c[i] * c[i]);
            CS[i] = (float) (1 / sq);
            CA[i] = (float) (c[i] / sq);
        }
        for (int i = 0; i < POW43.length; i++) {
            POW43[i] = (float) Math.pow(i, 4.0 / 3.0);
        }
        for (int i = 0; i < 36; i++) {
            WIN[0][i] = (float) Math.sin(Math.PI / 36 * (i + 0.5));
        }
        for (int i = 0; i < 18; i++) {
            WIN[1][i] = WIN[0][i];
            WIN[3][i + 18] = WIN[0][i + 18];
        }
        for (int i = 18; i < 24; i++) {
            WIN[1][i] = 1;
        }
        for (int i = 24; i < 30; i++) {
            WIN[1][i] = (float) Math.sin(Math.PI / 12 * (i - 18 + 0.5));
        }
        for (int i = 6; i < 12; i++) {
            WIN[3][i] = (float) Math.sin(Math.PI / 12 * (i - 6 + 0.5));
        }
        for (int i = 12; i < 18; i++) {
            WIN[3][i] = 1;
        }
        for (int i = 0; i < 12; i++) {
            WIN[2][i] = (float) Math.sin(Math.PI / 12 * (i + 0.5));
        }
        for (int i = 0; i < 36; i++) {
            for (int k = 0; k < 18; k++) {
                IMDCT36[i][k] = (float) Math.cos(Math.PI / 72 * (2 * i + 1 + 18) * (2 * k + 1));
            }
        }
        for (int i = 0; i < 12; i++) {
            for (int k = 0; k < 6; k++) {
                IMDCT12[i][k] = (float) Math.cos(Math.PI / 24 * (2 * i + 1 + 6) * (2 * k + 1));
            }
        }
        for (int i = 0; i < 64; i++) {
            for (int k = 0; k < 32; k++) {
                SYNTH[i][k] = (float) Math.cos((16 + i) * (2 * k + 1) * Math.PI / 64);
            }
        }
    }

    private final Path file;
    private final MonoSamples out;
    private int rate;
    private int channels;
    private boolean lsf;
    private int sfIndex;
    private final byte[] reservoir = new byte[8192];
    private int reservoirLength;
    private final int[][] quantized = new int[2][576];
    private final float[][] xr = new float[2][576];
    private final int[][] sfLong = new int[2][23];
    private final int[][][] sfShort = new int[2][13][3];
    private final int[] isMax = new int[40];
    /** An LSF granule's scalefactor lengths and scalefactors in transmission order, reused from granule to granule. */
    private final int[] lsfSlen = new int[4];
    private final int[] lsfScalefactors = new int[40];
    private final float[][][] overlap = new float[2][32][18];
    private final float[][] v = new float[2][1024];
    private final int[] vOffset = new int[2];
    private final float[][] pcm = new float[2][1152];
    private final float[] subbandIn = new float[32];
    private final float[] timeOut = new float[36];
    private final float[] work = new float[576];
    private int frames;
    /** Headers of Layer I or II seen while looking for Layer III: an MP2 file is told so. */
    private int otherLayers;
    /** Free-format headers seen (bit rate index 0). */
    private int freeFormat;

    private MpegAudioDecoder(Path file) {
        this.file = file;
        this.out = new MonoSamples(file);
    }

    /** Side information of one granule of one channel. */
    private static final class Granule {
        int part23;
        int bigValues;
        int globalGain;
        int scalefacCompress;
        int blockType;
        boolean mixed;
        final int[] table = new int[3];
        final int[] subblockGain = new int[3];
        int region0;
        int region1;
        int preflag;
        int scalefacScale;
        int count1Table;
        boolean windowSwitching;
    }

    private final Granule[][] side = {{new Granule(), new Granule()}, {new Granule(), new Granule()}};
    private final int[][] scfsi = new int[2][4];

    /** The frames in {@code data} (a whole file), as a mono clip with whatever start and end trimming the caller does. */
    static MonoSamples decode(Path file, byte[] data, int[] gapOut, int[] rateOut) throws AudioException {
        MpegAudioDecoder d = new MpegAudioDecoder(file);
        d.run(data, gapOut);
        rateOut[0] = d.rate;
        return d.out;
    }

    private void run(byte[] b, int[] gapOut) throws AudioException {
        int pos = 0;
        if (b.length >= 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
            int size = (b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F);
            pos = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
        }
        boolean first = true;
        int lockedHeader = 0;
        while (pos + 4 <= b.length) {
            int h = (b[pos] & 0xFF) << 24 | (b[pos + 1] & 0xFF) << 16 | (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
            int len = frameLength(h);
            // the version, layer, rate and channel mode stay the stream's: anything else is junk to skip
            if (len <= 0 || pos + len > b.length || (lockedHeader != 0 && lock(h) != lockedHeader)
                    || (lockedHeader == 0 && !confirmed(b, pos, h, len))) {
                if (len <= 0 && lockedHeader == 0 && (h >>> 21) == 0x7FF && (h >>> 19 & 3) != 1) {
                    if ((h >>> 17 & 3) == 3) {
                        otherLayers++;
                    } else if ((h >>> 17 & 3) != 0 && (h >>> 12 & 15) == 0) {
                        freeFormat++;
                    }
                }
                pos++;
                continue;
            }
            if (lockedHeader == 0) {
                lockedHeader = lock(h);
                int version = h >>> 19 & 3;
                lsf = version != 3;
                int rateIdx = h >>> 10 & 3;
                rate = RATES[rateIdx] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
                sfIndex = (version == 3 ? 3 : version == 2 ? 0 : 6) + rateIdx;
                channels = (h >>> 6 & 3) == 3 ? 1 : 2;
            }
            if ((h >>> 17 & 3) == 2) {
                first = false;
                layer2(b, pos, h);
                pos += len;
                continue;
            }
            if (first && len >= 40 && b[pos + 36] == 'V' && b[pos + 37] == 'B' && b[pos + 38] == 'R' && b[pos + 39] == 'I') {
                // FhG's VBRI header frame holds a seek table, not audio
                first = false;
                pos += len;
                continue;
            }
            if (first) {
                first = false;
                int[] gap = CompressedAudioDecoder.lameGap(java.nio.ByteBuffer.wrap(b, pos, len).slice());
                if (gap != null) {
                    gapOut[0] = gap[0];
                    gapOut[1] = gap[1];
                    pos += len;
                    continue;
                }
            }
            frame(b, pos, len, h);
            pos += len;
        }
        if (frames == 0) {
            throw new AudioException(file, otherLayers > 8 ? "MPEG audio Layer I is not supported; Layer II (MP2) and III (MP3) are"
                    : freeFormat > 8 ? "free-format MPEG audio (no bit rate in its headers) is not supported"
                    : "no MPEG audio Layer II or III frames found");
        }
    }

    /** The frame's length from its header, or 0 for a header that is not Layer III or not decodable here. */
    private static int frameLength(int h) {
        if ((h >>> 21) != 0x7FF) {
            return 0;
        }
        int version = h >>> 19 & 3, layer = h >>> 17 & 3, br = h >>> 12 & 15, rateIdx = h >>> 10 & 3;
        // Layer III (1) and Layer II (2); Layer I, free format and the reserved values are not decoded
        if (version == 1 || (layer != 1 && layer != 2) || br == 0 || br == 15 || rateIdx == 3) {
            return 0;
        }
        int rate = RATES[rateIdx] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        if (layer == 2) {
            int kbps = (version == 3 ? Layer2Frame.KBPS_1 : KBPS_2)[br];
            return 144_000 * kbps / rate + (h >>> 9 & 1);
        }
        int kbps = (version == 3 ? KBPS_1 : KBPS_2)[br];
        return (version == 3 ? 144_000 : 72_000) * kbps / rate + (h >>> 9 & 1);
    }

    /** A first header is believed when the next frame's header agrees with it (or the file ends there). */
    private static boolean confirmed(byte[] b, int pos, int h, int len) {
        int next = pos + len;
        if (next + 4 > b.length) {
            return next <= b.length;
        }
        int h2 = (b[next] & 0xFF) << 24 | (b[next + 1] & 0xFF) << 16 | (b[next + 2] & 0xFF) << 8 | (b[next + 3] & 0xFF);
        return frameLength(h2) > 0 && lock(h2) == lock(h);
    }

    /** What stays the same from frame to frame: version, layer, rate, and whether it is mono. */
    private static int lock(int h) {
        return (h & 0xFFFE0C00) | ((h >>> 6 & 3) == 3 ? 1 : 2);
    }

    private void frame(byte[] b, int pos, int len, int h) throws AudioException {
        boolean crc = (h >>> 16 & 1) == 0;
        int mode = h >>> 6 & 3, modeExt = h >>> 4 & 3;
        int sideStart = pos + 4 + (crc ? 2 : 0);
        int sideLen = lsf ? (channels == 1 ? 9 : 17) : (channels == 1 ? 17 : 32);
        if (sideStart + sideLen > pos + len) {
            return;
        }
        Bits s = new Bits(b, sideStart * 8L);
        int mainDataBegin = readSide(s);
        int dataStart = sideStart + sideLen, dataLen = pos + len - dataStart;
        // the reservoir: main_data_begin reaches at most 511 bytes back, so 2 KB of it is kept
        if (reservoirLength > 2048) {
            System.arraycopy(reservoir, reservoirLength - 2048, reservoir, 0, 2048);
            reservoirLength = 2048;
        }
        boolean decodable = reservoirLength >= mainDataBegin;
        int begin = reservoirLength - mainDataBegin;
        System.arraycopy(b, dataStart, reservoir, reservoirLength, dataLen);
        reservoirLength += dataLen;
        int granules = lsf ? 1 : 2;
        frames++;
        if (!decodable) {
            float[] data = out.room(576 * granules, rate);
            java.util.Arrays.fill(data, out.size(), out.size() + 576 * granules, 0f);
            out.added(576 * granules);
            return;
        }
        Bits m = new Bits(reservoir, begin * 8L);
        long end = reservoirLength * 8L;
        for (int gr = 0; gr < granules; gr++) {
            for (int ch = 0; ch < channels; ch++) {
                Granule g = side[gr][ch];
                long part2Start = m.pos;
                if (lsf) {
                    lsfScalefactors(m, g, ch, mode == 1 && (modeExt & 1) != 0 && ch == 1);
                } else {
                    scalefactors(m, g, ch, gr);
                }
                huffman(m, g, ch, Math.min(part2Start + g.part23, end));
                m.pos = part2Start + g.part23;
                requantize(g, ch);
            }
            if (channels == 2 && mode == 1) {
                stereo(side[gr][1], modeExt);
            }
            for (int ch = 0; ch < channels; ch++) {
                Granule g = side[gr][ch];
                reorder(g, ch);
                antialias(g, ch);
                hybrid(g, ch);
                synthesis(ch, gr * 576);
            }
        }
        float[] data = out.room(576 * granules, rate);
        int at = out.size();
        for (int i = 0; i < 576 * granules; i++) {
            data[at + i] = channels == 1 ? pcm[0][i] : 0.5f * (pcm[0][i] + pcm[1][i]);
        }
        out.added(576 * granules);
    }

    /** A Layer II frame ({@link Layer2Frame}), through the same synthesis filterbank, half a frame at a time. */
    private void layer2(byte[] b, int pos, int h) throws AudioException {
        Bits m = new Bits(b, (pos + 4 + ((h >>> 16 & 1) == 0 ? 2 : 0)) * 8L);
        Layer2Frame.decode(m, h, lsf, rate, channels, xr, half -> {
            for (int ch = 0; ch < channels; ch++) {
                synthesis(ch, 576 * half);
            }
        });
        frames++;
        float[] data = out.room(1152, rate);
        int at = out.size();
        for (int i = 0; i < 1152; i++) {
            data[at + i] = channels == 1 ? pcm[0][i] : 0.5f * (pcm[0][i] + pcm[1][i]);
        }
        out.added(1152);
    }

    private int readSide(Bits s) {
        int mainDataBegin;
        if (lsf) {
            mainDataBegin = s.read(8);
            s.read(channels == 1 ? 1 : 2);
        } else {
            mainDataBegin = s.read(9);
            s.read(channels == 1 ? 5 : 3);
            for (int ch = 0; ch < channels; ch++) {
                for (int k = 0; k < 4; k++) {
                    scfsi[ch][k] = s.read(1);
                }
            }
        }
        for (int gr = 0; gr < (lsf ? 1 : 2); gr++) {
            for (int ch = 0; ch < channels; ch++) {
                Granule g = side[gr][ch];
                g.part23 = s.read(12);
                g.bigValues = Math.min(288, s.read(9));
                g.globalGain = s.read(8);
                g.scalefacCompress = s.read(lsf ? 9 : 4);
                g.windowSwitching = s.read(1) == 1;
                if (g.windowSwitching) {
                    g.blockType = s.read(2);
                    g.mixed = s.read(1) == 1;
                    g.table[0] = s.read(5);
                    g.table[1] = s.read(5);
                    g.table[2] = 0;
                    for (int w = 0; w < 3; w++) {
                        g.subblockGain[w] = s.read(3);
                    }
                    // the regions of a window-switching granule, as ffmpeg draws them
                    g.region0 = g.blockType == 2 ? (sfIndex == 8 ? 72 : 36)
                            : sfIndex >= 3 && sfIndex <= 5 ? 36 : sfIndex != 8 ? 54 : 108;
                    g.region1 = 576;
                    if (g.blockType == 0) {
                        g.blockType = 1; // a reserved combination: treat it as a start block
                    }
                } else {
                    g.blockType = 0;
                    g.mixed = false;
                    for (int r = 0; r < 3; r++) {
                        g.table[r] = s.read(5);
                    }
                    int r0 = s.read(4), r1 = s.read(3);
                    int[] sfb = Mp3Tables.SFB_LONG[sfIndex];
                    g.region0 = sfb[Math.min(22, r0 + 1)];
                    g.region1 = sfb[Math.min(22, r0 + r1 + 2)];
                    java.util.Arrays.fill(g.subblockGain, 0);
                }
                g.preflag = lsf ? 0 : s.read(1);
                g.scalefacScale = s.read(1);
                g.count1Table = s.read(1);
            }
        }
        return mainDataBegin;
    }

    private void scalefactors(Bits m, Granule g, int ch, int gr) {
        int slen1 = SLEN[g.scalefacCompress][0], slen2 = SLEN[g.scalefacCompress][1];
        if (g.windowSwitching && g.blockType == 2) {
            if (g.mixed) {
                for (int sfb = 0; sfb < 8; sfb++) {
                    sfLong[ch][sfb] = m.read(slen1);
                }
                for (int sfb = 3; sfb < 6; sfb++) {
                    for (int w = 0; w < 3; w++) {
                        sfShort[ch][sfb][w] = m.read(slen1);
                    }
                }
            } else {
                for (int sfb = 0; sfb < 6; sfb++) {
                    for (int w = 0; w < 3; w++) {
                        sfShort[ch][sfb][w] = m.read(slen1);
                    }
                }
            }
            for (int sfb = 6; sfb < 12; sfb++) {
                for (int w = 0; w < 3; w++) {
                    sfShort[ch][sfb][w] = m.read(slen2);
                }
            }
            for (int w = 0; w < 3; w++) {
                sfShort[ch][12][w] = 0;
            }
            return;
        }
        int[][] bands = {{0, 6}, {6, 11}, {11, 16}, {16, 21}};
        for (int k = 0; k < 4; k++) {
            if (gr == 1 && scfsi[ch][k] == 1) {
                continue; // kept from the first granule
            }
            for (int sfb = bands[k][0]; sfb < bands[k][1]; sfb++) {
                sfLong[ch][sfb] = m.read(k < 2 ? slen1 : slen2);
            }
        }
        sfLong[ch][21] = 0;
        sfLong[ch][22] = 0;
    }

    private void lsfScalefactors(Bits m, Granule g, int ch, boolean intensityRight) {
        int sfc = g.scalefacCompress;
        int[] slen = lsfSlen;
        java.util.Arrays.fill(slen, 0);
        int table;
        g.preflag = 0;
        if (!intensityRight) {
            if (sfc < 400) {
                slen[0] = (sfc >> 4) / 5;
                slen[1] = (sfc >> 4) % 5;
                slen[2] = (sfc & 15) >> 2;
                slen[3] = sfc & 3;
                table = 0;
            } else if (sfc < 500) {
                sfc -= 400;
                slen[0] = (sfc >> 2) / 5;
                slen[1] = (sfc >> 2) % 5;
                slen[2] = sfc & 3;
                table = 1;
            } else {
                sfc -= 500;
                slen[0] = sfc / 3;
                slen[1] = sfc % 3;
                g.preflag = 1;
                table = 2;
            }
        } else {
            int isc = sfc >> 1;
            if (isc < 180) {
                slen[0] = isc / 36;
                slen[1] = isc % 36 / 6;
                slen[2] = isc % 36 % 6;
                table = 3;
            } else if (isc < 244) {
                isc -= 180;
                slen[0] = (isc & 63) >> 4;
                slen[1] = (isc & 15) >> 2;
                slen[2] = isc & 3;
                table = 4;
            } else {
                isc -= 244;
                slen[0] = isc / 3;
                slen[1] = isc % 3;
                table = 5;
            }
        }
        int block = g.windowSwitching && g.blockType == 2 ? (g.mixed ? 2 : 1) : 0;
        int[] counts = NR_OF_SFB[table][block];
        // the scalefactors in order, then spread over the bands and windows
        int[] sf = lsfScalefactors;
        java.util.Arrays.fill(sf, 0);
        int n = 0;
        for (int part = 0; part < 4; part++) {
            for (int i = 0; i < counts[part]; i++) {
                sf[n] = m.read(slen[part]);
                isMax[n] = (1 << slen[part]) - 1;
                n++;
            }
        }
        if (block == 0) {
            for (int sfb = 0; sfb < 21; sfb++) {
                sfLong[ch][sfb] = sf[sfb];
            }
            sfLong[ch][21] = 0;
            sfLong[ch][22] = 0;
        } else {
            int k = 0, sfb = 0;
            if (block == 2) {
                for (; k < 6; k++) {
                    sfLong[ch][k] = sf[k];
                }
                sfb = 3;
            }
            for (; sfb < 12; sfb++) {
                for (int w = 0; w < 3; w++) {
                    sfShort[ch][sfb][w] = k < n ? sf[k] : 0;
                    k++;
                }
            }
            for (int w = 0; w < 3; w++) {
                sfShort[ch][12][w] = 0;
            }
        }
    }

    private void huffman(Bits m, Granule g, int ch, long end) {
        int[] q = quantized[ch];
        int lines = 2 * g.bigValues;
        int i = 0;
        for (; i < lines && m.pos < end; i += 2) {
            int region = i < g.region0 ? 0 : i < g.region1 ? 1 : 2;
            int t = g.table[region];
            int[] tree = Mp3Tables.BIG[t];
            if (tree == null) {
                q[i] = 0;
                q[i + 1] = 0;
                continue;
            }
            int v = decode(m, tree);
            int x = v >>> 4, y = v & 15;
            int linbits = Mp3Tables.LINBITS[t];
            if (linbits > 0 && x == 15) {
                x += m.read(linbits);
            }
            if (x != 0 && m.read(1) == 1) {
                x = -x;
            }
            if (linbits > 0 && y == 15) {
                y += m.read(linbits);
            }
            if (y != 0 && m.read(1) == 1) {
                y = -y;
            }
            q[i] = x;
            q[i + 1] = y;
        }
        int[] quad = g.count1Table == 0 ? Mp3Tables.COUNT1_A : Mp3Tables.COUNT1_B;
        while (i + 4 <= 576 && m.pos < end) {
            int val = decode(m, quad);
            // v, w, x, y: each 0 or 1, then its sign bit when 1
            int v = signed(m, val >> 3 & 1), w = signed(m, val >> 2 & 1), x = signed(m, val >> 1 & 1), y = signed(m, val & 1);
            if (m.pos > end) {
                break; // the last quadruple ran past the granule: the standard discards it
            }
            q[i] = v;
            q[i + 1] = w;
            q[i + 2] = x;
            q[i + 3] = y;
            i += 4;
        }
        for (; i < 576; i++) {
            q[i] = 0;
        }
    }

    /** {@code magnitude} (0 or 1) with its sign bit read when it is 1. */
    private static int signed(Bits m, int magnitude) {
        return magnitude != 0 && m.read(1) == 1 ? -magnitude : magnitude;
    }

    private static int decode(Bits m, int[] tree) {
        int node = 0;
        for (int depth = 0; depth < 32; depth++) {
            int next = tree[2 * node + m.read(1)];
            if (next < 0) {
                return ~next;
            }
            if (next == 0) {
                return 0; // a code no table has: damaged data, read as zero
            }
            node = next;
        }
        return 0;
    }

    private void requantize(Granule g, int ch) {
        int[] q = quantized[ch];
        float[] x = xr[ch];
        double gain = Math.pow(2, 0.25 * (g.globalGain - 210));
        double mult = g.scalefacScale == 1 ? 1.0 : 0.5;
        int[] sfbL = Mp3Tables.SFB_LONG[sfIndex];
        int[] sfbS = Mp3Tables.SFB_SHORT[sfIndex];
        boolean shortBlocks = g.windowSwitching && g.blockType == 2;
        int longEnd = shortBlocks ? (g.mixed ? (lsf ? sfbL[6] : 36) : 0) : 576;
        int sfb = 0;
        int bandEnd = sfbL[1];
        float f = (float) (gain * Math.pow(2, -mult * (sfLong[ch][0] + g.preflag * PRETAB[0])));
        for (int i = 0; i < longEnd; i++) {
            if (i >= bandEnd) {
                // the band's factor, once a band: the same for all its lines
                while (sfb < 21 && i >= sfbL[sfb + 1]) {
                    sfb++;
                }
                bandEnd = sfb < 21 ? sfbL[sfb + 1] : 576;
                int sc = sfb < 21 ? sfLong[ch][sfb] + g.preflag * PRETAB[sfb] : 0;
                f = (float) (gain * Math.pow(2, -mult * sc));
            }
            int v = q[i];
            x[i] = v == 0 ? 0 : (v > 0 ? 1 : -1) * pow43(Math.abs(v)) * f;
        }
        if (!shortBlocks) {
            return;
        }
        int startSfb = g.mixed ? 3 : 0;
        for (int s = startSfb; s < 13; s++) {
            int width = sfbS[s + 1] - sfbS[s];
            for (int w = 0; w < 3; w++) {
                double wgain = gain * Math.pow(2, -2.0 * g.subblockGain[w]) * Math.pow(2, -mult * (s < 12 ? sfShort[ch][s][w] : 0));
                int base = 3 * sfbS[s] + w * width;
                for (int k = 0; k < width; k++) {
                    int i = base + k;
                    if (i >= 576) {
                        break;
                    }
                    int v = q[i];
                    x[i] = v == 0 ? 0 : (v > 0 ? 1 : -1) * pow43(Math.abs(v)) * (float) wgain;
                }
            }
        }
    }

    private static float pow43(int v) {
        return v < POW43.length ? POW43[v] : (float) Math.pow(v, 4.0 / 3.0);
    }

    private final boolean[] isLine = new boolean[576];
    private final float[] isLeft = new float[576];
    private final float[] isRight = new float[576];

    /** Mid/side and intensity stereo of one granule, the right channel's side information given. */
    private void stereo(Granule right, int modeExt) {
        boolean ms = (modeExt & 2) != 0, intensity = (modeExt & 1) != 0;
        float[] l = xr[0], r = xr[1];
        java.util.Arrays.fill(isLine, false);
        if (intensity) {
            intensity(right, right.windowSwitching && right.blockType == 2);
        }
        if (ms) {
            float k = (float) (1 / Math.sqrt(2));
            for (int i = 0; i < 576; i++) {
                if (!isLine[i]) {
                    float a = l[i], b = r[i];
                    l[i] = (a + b) * k;
                    r[i] = (a - b) * k;
                }
            }
        }
        if (intensity) {
            for (int i = 0; i < 576; i++) {
                if (isLine[i]) {
                    float x = l[i];
                    l[i] = x * isLeft[i];
                    r[i] = x * isRight[i];
                }
            }
        }
    }

    /** Marks the intensity-coded lines (above the right channel's last non-zero line; per window for short blocks) and their factors. */
    private void intensity(Granule g, boolean shortBlocks) {
        int[] q = quantized[1];
        int[] sfbL = Mp3Tables.SFB_LONG[sfIndex];
        int[] sfbS = Mp3Tables.SFB_SHORT[sfIndex];
        if (!shortBlocks) {
            int last = 575;
            while (last >= 0 && q[last] == 0) {
                last--;
            }
            int sfb = 0;
            while (sfb < 22 && sfbL[sfb] <= last) {
                sfb++;
            }
            for (int s = sfb; s < 22; s++) {
                int idx = Math.min(s, 20);
                mark(sfbL[s], sfbL[s + 1], sfLong[1][idx], lsf ? isMax[idx] : 7, g);
            }
            return;
        }
        int firstShort = g.mixed ? 3 : 0;
        for (int w = 0; w < 3; w++) {
            int lastSfb = firstShort - 1;
            for (int s = 12; s >= firstShort && lastSfb < firstShort; s--) {
                int width = sfbS[s + 1] - sfbS[s];
                int base = 3 * sfbS[s] + w * width;
                for (int k = 0; k < width; k++) {
                    if (base + k < 576 && q[base + k] != 0) {
                        lastSfb = s;
                        break;
                    }
                }
            }
            for (int s = lastSfb + 1; s < 13; s++) {
                int width = sfbS[s + 1] - sfbS[s];
                int base = 3 * sfbS[s] + w * width;
                int idx = Math.min(s, 11);
                mark(base, Math.min(576, base + width), sfShort[1][idx][w], lsf ? isMax[lsfIndex(g, idx, w)] : 7, g);
            }
        }
    }

    /** The running index of short band {@code s}, window {@code w}, among an LSF granule's scalefactors. */
    private static int lsfIndex(Granule g, int s, int w) {
        int band = Math.min(s, 11);
        return g.mixed ? 6 + (Math.max(band, 3) - 3) * 3 + w : band * 3 + w;
    }

    /** Lines {@code [from, to)} take intensity position {@code pos}, unless it is the band's illegal one. */
    private void mark(int from, int to, int pos, int illegal, Granule g) {
        if (pos == illegal) {
            return; // no intensity here: the band stays as coded
        }
        float kl, kr;
        if (!lsf) {
            if (pos == 6) {
                kl = 1;
                kr = 0;
            } else {
                double ratio = Math.tan(pos * Math.PI / 12);
                kl = (float) (ratio / (1 + ratio));
                kr = (float) (1 / (1 + ratio));
            }
        } else {
            double io = (g.scalefacCompress & 1) == 1 ? Math.sqrt(0.5) : Math.sqrt(Math.sqrt(0.5));
            if (pos == 0) {
                kl = 1;
                kr = 1;
            } else if ((pos & 1) == 1) {
                kl = (float) Math.pow(io, (pos + 1) / 2);
                kr = 1;
            } else {
                kl = 1;
                kr = (float) Math.pow(io, pos / 2);
            }
        }
        for (int i = from; i < to; i++) {
            isLine[i] = true;
            isLeft[i] = kl;
            isRight[i] = kr;
        }
    }

    /** Short blocks from band-window-line order into the order the IMDCT reads: subband by subband, 3 windows of 6. */
    private void reorder(Granule g, int ch) {
        if (!(g.windowSwitching && g.blockType == 2)) {
            return;
        }
        float[] x = xr[ch];
        int[] sfbS = Mp3Tables.SFB_SHORT[sfIndex];
        int start = g.mixed ? 3 : 0;
        System.arraycopy(x, 0, work, 0, 576);
        for (int s = start; s < 13; s++) {
            int width = sfbS[s + 1] - sfbS[s];
            for (int w = 0; w < 3; w++) {
                for (int k = 0; k < width; k++) {
                    int src = 3 * sfbS[s] + w * width + k;
                    int dst = 3 * sfbS[s] + k * 3 + w;
                    if (src < 576 && dst < 576) {
                        x[dst] = work[src];
                    }
                }
            }
        }
    }

    private void antialias(Granule g, int ch) {
        if (g.windowSwitching && g.blockType == 2 && !g.mixed) {
            return;
        }
        float[] x = xr[ch];
        int bands = g.windowSwitching && g.blockType == 2 ? 2 : 32;
        for (int sb = 1; sb < bands; sb++) {
            for (int i = 0; i < 8; i++) {
                int a = 18 * sb - 1 - i, b = 18 * sb + i;
                float lo = x[a], hi = x[b];
                x[a] = lo * CS[i] - hi * CA[i];
                x[b] = hi * CS[i] + lo * CA[i];
            }
        }
    }

    /** IMDCT, windowing and overlap-add of each subband, then frequency inversion. */
    private void hybrid(Granule g, int ch) {
        float[] x = xr[ch];
        for (int sb = 0; sb < 32; sb++) {
            int type = g.windowSwitching && g.mixed && sb < 2 ? 0 : g.blockType;
            java.util.Arrays.fill(timeOut, 0f);
            boolean silent = true;
            for (int k = 0; k < 18 && silent; k++) {
                silent = x[18 * sb + k] == 0;
            }
            if (silent) {
                // an empty subband (most of the upper ones in speech) transforms to zeros: only the overlap is left
            } else if (type != 2) {
                for (int i = 0; i < 36; i++) {
                    float sum = 0;
                    float[] cos = IMDCT36[i];
                    for (int k = 0; k < 18; k++) {
                        sum += x[18 * sb + k] * cos[k];
                    }
                    timeOut[i] = sum * WIN[type][i];
                }
            } else {
                for (int w = 0; w < 3; w++) {
                    for (int i = 0; i < 12; i++) {
                        float sum = 0;
                        for (int k = 0; k < 6; k++) {
                            sum += x[18 * sb + 3 * k + w] * IMDCT12[i][k];
                        }
                        timeOut[6 + 6 * w + i] += sum * WIN[2][i];
                    }
                }
            }
            float[] keep = overlap[ch][sb];
            for (int i = 0; i < 18; i++) {
                float y = timeOut[i] + keep[i];
                keep[i] = timeOut[i + 18];
                // frequency inversion: odd subbands, odd time samples
                x[18 * sb + i] = (sb & 1) == 1 && (i & 1) == 1 ? -y : y;
            }
        }
    }

    /** The polyphase synthesis filterbank: 18 times 32 subband samples into 576 PCM samples at {@code at}. */
    private void synthesis(int ch, int at) {
        float[] x = xr[ch];
        float[] vv = v[ch];
        float[] d = Mp3Tables.WINDOW;
        for (int t = 0; t < 18; t++) {
            for (int sb = 0; sb < 32; sb++) {
                subbandIn[sb] = x[18 * sb + t];
            }
            int off = vOffset[ch] = (vOffset[ch] - 64) & 1023;
            // N[i][k] = cos((16 + i)(2k + 1)π/64): V[32 − i] = −V[i], V[16] = 0 and V[96 − i] = V[i], so only
            // rows 0..15 and 33..48 are summed
            for (int i = 0; i < 16; i++) {
                float sum = 0;
                float[] n = SYNTH[i];
                for (int k = 0; k < 32; k++) {
                    sum += n[k] * subbandIn[k];
                }
                vv[(off + i) & 1023] = sum;
                vv[(off + 32 - i) & 1023] = -sum;
            }
            vv[(off + 16) & 1023] = 0;
            for (int i = 33; i <= 48; i++) {
                float sum = 0;
                float[] n = SYNTH[i];
                for (int k = 0; k < 32; k++) {
                    sum += n[k] * subbandIn[k];
                }
                vv[(off + i) & 1023] = sum;
                if (i != 48) {
                    vv[(off + 96 - i) & 1023] = sum;
                }
            }
            for (int j = 0; j < 32; j++) {
                float sum = 0;
                for (int i = 0; i < 8; i++) {
                    sum += vv[(off + 128 * i + j) & 1023] * d[64 * i + j];
                    sum += vv[(off + 128 * i + 96 + j) & 1023] * d[64 * i + 32 + j];
                }
                pcm[ch][at + 32 * t + j] = sum;
            }
        }
    }

    /** MSB-first bits of a byte array; reading past its end gives zeros. */
    static final class Bits {
        private final byte[] b;
        long pos;

        Bits(byte[] b, long pos) {
            this.b = b;
            this.pos = pos;
        }

        int read(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                long p = pos++;
                int byteAt = (int) (p >>> 3);
                int bit = byteAt < b.length ? b[byteAt] >> (7 - (int) (p & 7)) & 1 : 0;
                v = v << 1 | bit;
            }
            return v;
        }
    }
}
