package io.github.emo4j.audio;

import java.nio.file.Path;

/**
 * Apple Lossless (ALAC) packets to mono samples, from the codec's published format: per channel element
 * an adaptive Golomb-Rice residual, an adaptive FIR predictor (its coefficients nudged by the sign of
 * each error), stereo unmixing with the frame's mix weights, and low bytes stored apart. Mono and stereo,
 * 16 to 32 bit. Exact: the integers ffmpeg's decoder gives.
 */
final class AlacDecoder {
    private static final int QBSHIFT = 9, QB = 1 << QBSHIFT, MMULSHIFT = 2, MDENSHIFT = QBSHIFT - MMULSHIFT - 1,
            MOFF = 1 << (MDENSHIFT - 2), BITOFF = 24, MAX_PREFIX = 9, N_MAX_MEAN_CLAMP = 0xFFFF;

    private final Path file;
    final int frameLength;
    final int bitDepth;
    private final int pb;
    private final int mb;
    private final int kb;
    final int channels;
    final int rate;
    private final int[][] mix;
    private final int[][] residual;
    private final int[] shifted;
    private long packets;

    /**
     * @param cookie the 24-byte ALACSpecificConfig
     * @throws AudioException if the configuration is malformed or of more than two channels
     */
    AlacDecoder(Path file, byte[] cookie) throws AudioException {
        this.file = file;
        if (cookie == null || cookie.length < 24) {
            throw new AudioException(file, "ALAC configuration (magic cookie) missing or shorter than 24 bytes");
        }
        java.nio.ByteBuffer c = java.nio.ByteBuffer.wrap(cookie);
        frameLength = c.getInt(0);
        bitDepth = cookie[5] & 0xFF;
        pb = cookie[6] & 0xFF;
        mb = cookie[7] & 0xFF;
        kb = cookie[8] & 0xFF;
        channels = cookie[9] & 0xFF;
        rate = c.getInt(20);
        if (frameLength < 1 || frameLength > 1 << 16) {
            throw new AudioException(file, "ALAC frame length " + Integer.toUnsignedString(frameLength) + " out of range (1 to 65536)");
        }
        if (bitDepth != 16 && bitDepth != 20 && bitDepth != 24 && bitDepth != 32) {
            throw new AudioException(file, "ALAC bit depth " + bitDepth + " is not 16, 20, 24 or 32");
        }
        if (channels < 1 || channels > 2) {
            throw new AudioException(file, "ALAC with " + channels + " channels is not supported (1 and 2 are)");
        }
        if (kb < 1 || kb > 31 || rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
            throw new AudioException(file, "ALAC configuration out of range (rice limit " + kb + ", rate " + rate + ")");
        }
        mix = new int[2][frameLength];
        residual = new int[2][frameLength];
        shifted = new int[2 * frameLength];
    }

    /** Decodes one packet; writes its samples, mixed to mono, to {@code out}; returns how many. */
    int decode(byte[] packet, int length, float[] out) throws AudioException {
        packets++;
        MsbBits b = new MsbBits(packet, 0, length);
        int produced = -1;
        try {
            while (true) {
                int tag = b.read(3);
                if (tag == 7) {
                    break;
                }
                if (tag == 4 || tag == 6) {
                    b.skipElement(tag == 4);
                    continue;
                }
                if (tag != 0 && tag != 1) {
                    throw malformed("element " + tag + " is not a channel element");
                }
                int n = element(b, tag == 1 ? 2 : 1, out);
                if (produced >= 0 && n != produced) {
                    throw malformed("elements of different lengths");
                }
                produced = n;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw malformed("runs past its end");
        }
        if (produced < 0) {
            throw malformed("holds no channel element");
        }
        return produced;
    }

    private AudioException malformed(String what) {
        return new AudioException(file, "malformed ALAC packet " + packets + ": " + what);
    }

    /** One single (1) or pair (2) channel element; adds its samples to {@code out}. */
    private int element(MsbBits b, int count, float[] out) throws AudioException {
        if (count > channels) {
            throw malformed("a channel pair in a mono stream");
        }
        b.read(4);
        if (b.read(12) != 0) {
            throw malformed("reserved bits set");
        }
        boolean partial = b.read(1) == 1;
        int bytesShifted = b.read(2);
        boolean verbatim = b.read(1) == 1;
        if (bytesShifted == 3) {
            throw malformed("3 shifted bytes");
        }
        int n = frameLength;
        if (partial) {
            long v = (long) b.read(16) << 16 | b.read(16);
            if (v < 1 || v > frameLength) {
                throw malformed(v + " samples in a frame of " + frameLength);
            }
            n = (int) v;
        }
        int shift = 8 * bytesShifted;
        if (verbatim) {
            shift = 0;
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < count; c++) {
                    mix[c][i] = signed(bitDepth > 16 ? b.read(16) << (bitDepth - 16) | b.read(bitDepth - 16) : b.read(16), bitDepth);
                }
            }
        } else {
            int chanBits = bitDepth - shift + count - 1;
            if (chanBits > 32) {
                throw malformed("channel of " + chanBits + " bits");
            }
            int mixBits = b.read(8), mixRes = (byte) b.read(8);
            int[] mode = new int[count], denShift = new int[count], pbFactor = new int[count], order = new int[count];
            int[][] coefs = new int[count][32];
            for (int c = 0; c < count; c++) {
                mode[c] = b.read(4);
                denShift[c] = b.read(4);
                pbFactor[c] = b.read(3);
                order[c] = b.read(5);
                for (int i = 0; i < order[c]; i++) {
                    coefs[c][i] = (short) b.read(16);
                }
            }
            long shiftStart = b.position();
            if (shift > 0) {
                b.skip((long) shift * count * n);
            }
            for (int c = 0; c < count; c++) {
                residuals(b, residual[c], n, pb * pbFactor[c] / 4, chanBits);
                if (mode[c] != 0) {
                    // a first-order pass before the filter
                    predict(residual[c], residual[c], n, null, 31, chanBits, 0);
                }
                if (denShift[c] == 0 && order[c] != 0 && order[c] != 31) {
                    throw malformed("zero denominator shift");
                }
                predict(residual[c], mix[c], n, coefs[c], order[c], chanBits, denShift[c]);
            }
            if (count == 2 && mixRes != 0) {
                for (int i = 0; i < n; i++) {
                    int u = mix[0][i], v = mix[1][i];
                    int l = u + v - ((mixRes * v) >> mixBits);
                    mix[0][i] = l;
                    mix[1][i] = l - v;
                }
            }
            if (shift > 0) {
                long end = b.position();
                b.seek(shiftStart);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < count; c++) {
                        mix[c][i] = mix[c][i] << shift | b.read(shift);
                    }
                }
                b.seek(end);
            }
        }
        double scale = 1.0 / ((double) (1L << (bitDepth - 1)) * channels);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < count; c++) {
                sum += mix[c][i];
            }
            out[i] += (float) (sum * scale);
        }
        return n;
    }

    private static int signed(int v, int bits) {
        return bits == 32 ? v : (v << (32 - bits)) >> (32 - bits);
    }

    /** The adaptive Golomb-Rice residuals, with runs of zeros where the history is quiet. */
    private void residuals(MsbBits b, int[] out, int n, int pbValue, int maxBits) throws AudioException {
        int history = mb, zero = 0, c = 0, wb = (1 << kb) - 1;
        while (c < n) {
            // the history is an unsigned 32-bit mean, as the format defines it
            int m = history >>> QBSHIFT;
            int k = Math.min(31 - Integer.numberOfLeadingZeros(m + 3), kb);
            int v = golomb(b, (1 << k) - 1, k, maxBits, false);
            int value = v + zero;
            out[c++] = ((value + 1) >>> 1) * (-(value & 1) | 1);
            history = pbValue * (v + zero) + history - ((pbValue * history) >>> QBSHIFT);
            if (Integer.compareUnsigned(v, N_MAX_MEAN_CLAMP) > 0) {
                history = N_MAX_MEAN_CLAMP;
            }
            zero = 0;
            if (Integer.compareUnsigned(history << MMULSHIFT, QB) < 0 && c < n) {
                zero = 1;
                int kz = Integer.numberOfLeadingZeros(history) - BITOFF + ((history + MOFF) >> MDENSHIFT);
                int run = golomb(b, ((1 << kz) - 1) & wb, kz, 16, true);
                if (run < 0 || c + run > n) {
                    throw malformed("a run of zeros past the frame");
                }
                for (int j = 0; j < run; j++) {
                    out[c++] = 0;
                }
                if (Integer.compareUnsigned(run, 65535) >= 0) {
                    zero = 0;
                }
                history = 0;
            }
        }
    }

    /** One Golomb-Rice code: a unary prefix (9 ones escape to a raw value), then k or k - 1 bits. */
    private int golomb(MsbBits b, int m, int k, int rawBits, boolean run) {
        int prefix = 0;
        while (prefix < MAX_PREFIX && b.read(1) == 1) {
            prefix++;
        }
        if (prefix >= MAX_PREFIX) {
            return b.read(rawBits);
        }
        if (k <= 1 && !run) {
            return prefix;
        }
        if (k == 0) {
            return prefix * m;
        }
        int v = b.peek(k);
        if (v < 2) {
            b.skip(k - 1);
            return prefix * m;
        }
        b.skip(k);
        return prefix * m + v - 1;
    }

    /** The adaptive predictor: order 0 copies, 31 integrates, others filter and adapt their coefficients. */
    private static void predict(int[] res, int[] out, int n, int[] coefs, int order, int chanBits, int denShift) {
        int chanShift = 32 - chanBits;
        out[0] = res[0];
        if (order == 0) {
            System.arraycopy(res, 0, out, 0, n);
            return;
        }
        if (order == 31) {
            int prev = out[0];
            for (int j = 1; j < n; j++) {
                prev = ((res[j] + prev) << chanShift) >> chanShift;
                out[j] = prev;
            }
            return;
        }
        for (int j = 1; j <= order && j < n; j++) {
            out[j] = ((res[j] + out[j - 1]) << chanShift) >> chanShift;
        }
        int half = 1 << (denShift - 1);
        for (int j = order + 1; j < n; j++) {
            int top = out[j - order - 1];
            int sum = 0;
            for (int k = 0; k < order; k++) {
                sum += coefs[k] * (out[j - 1 - k] - top);
            }
            int del = res[j], del0 = del;
            int sign = Integer.signum(del);
            del += top + ((sum + half) >> denShift);
            out[j] = (del << chanShift) >> chanShift;
            if (sign > 0) {
                for (int k = order - 1; k >= 0; k--) {
                    int dd = top - out[j - 1 - k];
                    int sg = Integer.signum(dd);
                    coefs[k] -= sg;
                    del0 -= (order - k) * ((sg * dd) >> denShift);
                    if (del0 <= 0) {
                        break;
                    }
                }
            } else if (sign < 0) {
                for (int k = order - 1; k >= 0; k--) {
                    int dd = top - out[j - 1 - k];
                    int sg = Integer.signum(dd);
                    coefs[k] += sg;
                    del0 -= (order - k) * ((-sg * dd) >> denShift);
                    if (del0 >= 0) {
                        break;
                    }
                }
            }
        }
    }
}
