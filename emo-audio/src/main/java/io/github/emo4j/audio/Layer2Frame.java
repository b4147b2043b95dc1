package io.github.emo4j.audio;

import java.util.function.IntConsumer;

/**
 * One MPEG audio Layer II frame (MP2; ISO/IEC 11172-3 2.4.2.3 and 13818-3): bit allocations by the table
 * the rate selects, scalefactor selection and scalefactors, then 12 granules of 3 samples a subband
 * (grouped for 3, 5 and 9 steps), requantized and scaled. The subband samples go through
 * {@link MpegAudioDecoder}'s synthesis filterbank, as Layer III's do.
 */
final class Layer2Frame {
    /** MPEG-1 Layer II bit rates; MPEG-2 shares Layer III's. */
    static final int[] KBPS_1 = {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384};
    private static final int[] KBPS_2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    private static final int[] Q_A0 = {0, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191, 16383, 32767, 65535};
    private static final int[] Q_A1 = {0, 3, 5, 7, 9, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191, 65535};
    private static final int[] Q_A2 = {0, 3, 5, 7, 9, 15, 31, 65535};
    private static final int[] Q_A3 = {0, 3, 5, 65535};
    private static final int[] Q_C0 = {0, 3, 5, 9, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191, 16383, 32767};
    private static final int[] Q_C1 = {0, 3, 5, 9, 15, 31, 63, 127};
    private static final int[] Q_L0 = {0, 3, 5, 7, 9, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191, 16383};
    private static final int[] Q_L1 = {0, 3, 5, 9, 15, 31, 63, 127};
    private static final int[] Q_L2 = {0, 3, 5, 9};
    /**
     * Layer II allocation tables (ISO/IEC 11172-3 B.2a to d, 13818-3 B.1): for each subband, the bits of its
     * allocation and the quantization (steps) each allocation selects; the row count is the table's sblimit.
     */
    private static final int[][][] LAYER2_TABLES = {
        layer2Table(new int[] {3, 8, 12, 4}, new int[][] {Q_A0, Q_A1, Q_A2, Q_A3}),
        layer2Table(new int[] {3, 8, 12, 7}, new int[][] {Q_A0, Q_A1, Q_A2, Q_A3}),
        layer2Table(new int[] {2, 6}, new int[][] {Q_C0, Q_C1}),
        layer2Table(new int[] {2, 10}, new int[][] {Q_C0, Q_C1}),
        layer2Table(new int[] {4, 7, 19}, new int[][] {Q_L0, Q_L1, Q_L2})};
    /** Layer II scalefactors: 2 · 2^(−i/3). */
    private static final float[] SCALE2 = new float[64];

    static {
        for (int i = 0; i < 63; i++) {
            SCALE2[i] = (float) (2.0 * Math.pow(2, -i / 3.0));
        }
    }

    private Layer2Frame() {
    }

    /** Rows of {@code counts[g]} subbands with quantizations {@code classes[g]}: each row is the list of steps. */
    private static int[][] layer2Table(int[] counts, int[][] classes) {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        int[][] t = new int[n][];
        int sb = 0;
        for (int g = 0; g < counts.length; g++) {
            for (int i = 0; i < counts[g]; i++) {
                t[sb++] = classes[g];
            }
        }
        return t;
    }

    /**
     * Decodes one frame's subband samples from {@code m} (just after the header and CRC) into {@code xr}
     * ({@code [channel][18 · subband + slot]}), 18 slots at a time, handing each half of the frame to
     * {@code half} (0, then 1) to be synthesized.
     */
    static void decode(MpegAudioDecoder.Bits m, int h, boolean lsf, int rate, int channels, float[][] xr, IntConsumer half) {
        int mode = h >>> 6 & 3, modeExt = h >>> 4 & 3;
        int kbps = (lsf ? KBPS_2 : KBPS_1)[h >>> 12 & 15];
        int perChannel = kbps / channels;
        int table;
        if (lsf) {
            table = 4;
        } else if (rate == 48_000 && perChannel >= 56 || perChannel >= 56 && perChannel <= 80) {
            table = 0;
        } else if (rate != 48_000 && perChannel >= 96) {
            table = 1;
        } else if (rate != 32_000 && perChannel <= 48) {
            table = 2;
        } else {
            table = 3;
        }
        int[][] alloc = LAYER2_TABLES[table];
        int sblimit = alloc.length;
        int bound = mode == 1 ? Math.min(sblimit, (modeExt + 1) * 4) : sblimit;
        int[][] steps = new int[2][32];
        for (int sb = 0; sb < sblimit; sb++) {
            int bits = 32 - Integer.numberOfLeadingZeros(alloc[sb].length - 1);
            for (int ch = 0; ch < (sb < bound ? channels : 1); ch++) {
                steps[ch][sb] = alloc[sb][m.read(bits)];
            }
            if (sb >= bound && channels == 2) {
                steps[1][sb] = steps[0][sb];
            }
        }
        int[][] scfsi2 = new int[2][32];
        for (int sb = 0; sb < sblimit; sb++) {
            for (int ch = 0; ch < channels; ch++) {
                if (steps[ch][sb] != 0) {
                    scfsi2[ch][sb] = m.read(2);
                }
            }
        }
        float[][][] scale = new float[2][32][3];
        for (int sb = 0; sb < sblimit; sb++) {
            for (int ch = 0; ch < channels; ch++) {
                if (steps[ch][sb] == 0) {
                    continue;
                }
                float[] sc = scale[ch][sb];
                switch (scfsi2[ch][sb]) {
                    case 0 -> {
                        sc[0] = SCALE2[m.read(6)];
                        sc[1] = SCALE2[m.read(6)];
                        sc[2] = SCALE2[m.read(6)];
                    }
                    case 1 -> {
                        sc[0] = sc[1] = SCALE2[m.read(6)];
                        sc[2] = SCALE2[m.read(6)];
                    }
                    case 2 -> sc[0] = sc[1] = sc[2] = SCALE2[m.read(6)];
                    default -> {
                        sc[0] = SCALE2[m.read(6)];
                        sc[1] = sc[2] = SCALE2[m.read(6)];
                    }
                }
            }
        }
        float[] three = new float[3];
        for (int part2 = 0; part2 < 2; part2++) {
            for (int ch = 0; ch < 2; ch++) {
                java.util.Arrays.fill(xr[ch], 0f);
            }
            for (int gr = 6 * part2; gr < 6 * part2 + 6; gr++) {
                int part = gr / 4;
                for (int sb = 0; sb < sblimit; sb++) {
                    for (int ch = 0; ch < (sb < bound ? channels : 1); ch++) {
                        int n = steps[ch][sb];
                        if (n == 0) {
                            continue;
                        }
                        samples(m, n, three);
                        for (int k = 0; k < 3; k++) {
                            int slot = 3 * (gr - 6 * part2) + k;
                            xr[ch][18 * sb + slot] = three[k] * scale[ch][sb][part];
                            if (sb >= bound && channels == 2) {
                                xr[1][18 * sb + slot] = three[k] * scale[1][sb][part];
                            }
                        }
                    }
                }
            }
            half.accept(part2);
        }
    }

    /** Three samples of a subband quantized to {@code steps} levels, requantized to (−1, 1). */
    private static void samples(MpegAudioDecoder.Bits m, int steps, float[] out) {
        int bits;
        if (steps == 3 || steps == 5 || steps == 9) {
            // grouped: one code for the three
            int code = m.read(steps == 3 ? 5 : steps == 5 ? 7 : 10);
            for (int k = 0; k < 3; k++) {
                out[k] = requantize2(code % steps, steps);
                code /= steps;
            }
            return;
        }
        bits = 32 - Integer.numberOfLeadingZeros(steps);
        for (int k = 0; k < 3; k++) {
            out[k] = requantize2(m.read(bits), steps);
        }
    }

    /** A level {@code v} of {@code steps} (centred, spaced 2/steps): the standard's C·(s″ + D). */
    private static float requantize2(int v, int steps) {
        return (float) ((2.0 * v - (steps - 1)) / steps);
    }

}
