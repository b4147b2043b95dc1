package io.github.emo4j.audio;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Native FLAC (the {@code fLaC} stream of the FLAC format specification, RFC 9639), decoded exactly and
 * mixed down to mono: the STREAMINFO block, then frames of constant, verbatim, fixed-predictor and LPC
 * subframes with Rice-coded residuals, inter-channel decorrelation (left/side, side/right, mid/side) and
 * wasted bits, 4 to 32 bits per sample, any block size up to 65535. Frame headers are checked by their
 * CRC-8 and frames by their CRC-16, so a damaged file is refused by name rather than decoded to noise.
 * Sizes are checked before anything is allocated.
 */
final class FlacDecoder {
    private static final int MAX_CHANNELS = 8;
    private static final int MAX_METADATA = 16 << 20;

    private FlacDecoder() {
    }

    static AudioClip decode(Path file) throws AudioException {
        try (InputStream in = Files.newInputStream(file)) {
            return decode(file, in);
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
    }

    /** Decodes the native FLAC stream {@code in} holds (from {@code fLaC} on); {@code file} names it in errors. */
    static AudioClip decode(Path file, InputStream stream) throws AudioException {
        try (InputStream in = new BufferedInputStream(stream, 1 << 16)) {
            return new FlacDecoder.Stream(file, in).decode();
        } catch (AudioException e) {
            throw e;
        } catch (EOFException e) {
            throw new AudioException(file, "FLAC data ends in the middle of a frame");
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
    }

    /** One file's decoding state: its bit reader, stream parameters and the mono output. */
    private static final class Stream {
        private final Path file;
        private final Bits bits;
        private int rate;
        private int channels;
        private int bitsPerSample;
        private final MonoSamples out;

        Stream(Path file, InputStream in) {
            this.file = file;
            this.bits = new Bits(in);
            this.out = new MonoSamples(file);
        }

        AudioClip decode() throws IOException {
            if (bits.read(32) != 0x664C6143) {
                throw new AudioException(file, "not a FLAC file (no fLaC marker)");
            }
            metadata();
            // long samples: a 32-bit stream's side channel needs 33 bits
            long[][] block = new long[channels][];
            while (bits.hasMore()) {
                frame(block);
            }
            if (out.size() == 0) {
                throw new AudioException(file, "FLAC stream holds no audio frames");
            }
            return out.clip(0, out.size(), rate);
        }

        private void metadata() throws IOException {
            boolean last;
            boolean info = false;
            long total = 0;
            do {
                last = bits.read(1) == 1;
                int type = (int) bits.read(7);
                int length = (int) bits.read(24);
                total += length;
                if (total > MAX_METADATA) {
                    throw new AudioException(file, "FLAC metadata larger than " + (MAX_METADATA >> 20) + " MB");
                }
                if (type == 0) {
                    if (length != 34) {
                        throw new AudioException(file, "FLAC STREAMINFO of " + length + " bytes, not 34");
                    }
                    streamInfo();
                    info = true;
                } else if (type == 127) {
                    throw new AudioException(file, "invalid FLAC metadata block type 127");
                } else {
                    bits.skipBytes(length);
                }
            } while (!last);
            if (!info) {
                throw new AudioException(file, "FLAC stream has no STREAMINFO block");
            }
        }

        private void streamInfo() throws IOException {
            bits.read(16);
            int maxBlock = (int) bits.read(16);
            bits.read(24);
            bits.read(24);
            rate = (int) bits.read(20);
            channels = (int) bits.read(3) + 1;
            bitsPerSample = (int) bits.read(5) + 1;
            long samples = bits.read(36);
            bits.skipBytes(16);
            if (rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
                throw new AudioException(file, "FLAC sample rate " + rate + " Hz is not supported");
            }
            if (bitsPerSample < 4) {
                throw new AudioException(file, "FLAC sample size of " + bitsPerSample + " bits is not supported");
            }
            if (maxBlock < 16 && maxBlock != 0) {
                throw new AudioException(file, "FLAC maximum block size " + maxBlock + " is below 16");
            }
            if (samples > 0) {
                DecodeBudget.check(file, samples, rate);
            }
        }

        /** One frame: header (CRC-8), a subframe per channel, decorrelation, footer (CRC-16). */
        private void frame(long[][] block) throws IOException {
            bits.startCrc();
            int sync = (int) bits.read(14);
            if (sync != 0x3FFE) {
                throw new AudioException(file, "FLAC frame sync lost at byte " + bits.position());
            }
            bits.read(1);
            bits.read(1);
            int sizeCode = (int) bits.read(4);
            int rateCode = (int) bits.read(4);
            int assignment = (int) bits.read(4);
            int depthCode = (int) bits.read(3);
            bits.read(1);
            utf8Number();
            int blockSize = switch (sizeCode) {
                case 0 -> throw new AudioException(file, "FLAC frame with reserved block size code 0");
                case 1 -> 192;
                case 2, 3, 4, 5 -> 576 << (sizeCode - 2);
                case 6 -> (int) bits.read(8) + 1;
                case 7 -> (int) bits.read(16) + 1;
                default -> 256 << (sizeCode - 8);
            };
            if (rateCode == 12) {
                bits.read(8);
            } else if (rateCode == 13 || rateCode == 14) {
                bits.read(16);
            } else if (rateCode == 15) {
                throw new AudioException(file, "FLAC frame with invalid sample rate code 15");
            }
            int depth = switch (depthCode) {
                case 0 -> bitsPerSample;
                case 1 -> 8;
                case 2 -> 12;
                case 4 -> 16;
                case 5 -> 20;
                case 6 -> 24;
                case 7 -> 32;
                default -> throw new AudioException(file, "FLAC frame with reserved sample size code 3");
            };
            int frameChannels = assignment < 8 ? assignment + 1 : 2;
            if (assignment > 10 || frameChannels != channels || frameChannels > MAX_CHANNELS) {
                throw new AudioException(file, "FLAC frame with channel assignment " + assignment + " in a "
                        + channels + "-channel stream");
            }
            int crc8 = bits.crc8();
            if ((int) bits.read(8) != crc8) {
                throw new AudioException(file, "FLAC frame header at byte " + bits.position() + " fails its CRC-8");
            }
            for (int c = 0; c < channels; c++) {
                int extra = (assignment == 8 && c == 1) || (assignment == 9 && c == 0) || (assignment == 10 && c == 1) ? 1 : 0;
                if (block[c] == null || block[c].length < blockSize) {
                    block[c] = new long[blockSize];
                }
                subframe(block[c], blockSize, depth + extra);
            }
            bits.alignToByte();
            int crc16 = bits.crc16();
            if ((int) bits.read(16) != crc16) {
                throw new AudioException(file, "FLAC frame ending at byte " + bits.position() + " fails its CRC-16");
            }
            emit(block, blockSize, assignment, depth);
        }

        private void utf8Number() throws IOException {
            int first = (int) bits.read(8);
            int more = first < 0x80 ? 0 : first < 0xC0 ? -1 : first < 0xE0 ? 1 : first < 0xF0 ? 2 : first < 0xF8 ? 3
                    : first < 0xFC ? 4 : first < 0xFE ? 5 : first == 0xFE ? 6 : -1;
            if (more < 0) {
                throw new AudioException(file, "FLAC frame number is not UTF-8 coded");
            }
            for (int i = 0; i < more; i++) {
                if ((bits.read(8) & 0xC0) != 0x80) {
                    throw new AudioException(file, "FLAC frame number is not UTF-8 coded");
                }
            }
        }

        private void subframe(long[] s, int n, int depth) throws IOException {
            if (bits.read(1) != 0) {
                throw new AudioException(file, "FLAC subframe padding bit set");
            }
            int type = (int) bits.read(6);
            int wasted = 0;
            if (bits.read(1) == 1) {
                wasted = 1;
                while (bits.read(1) == 0) {
                    if (++wasted >= depth) {
                        throw new AudioException(file, "FLAC subframe wastes all its bits");
                    }
                }
            }
            int d = depth - wasted;
            if (d > 33) {
                throw new AudioException(file, "FLAC subframe of " + d + " bits per sample");
            }
            if (type == 0) {
                Arrays.fill(s, 0, n, bits.readSigned(d));
            } else if (type == 1) {
                for (int i = 0; i < n; i++) {
                    s[i] = bits.readSigned(d);
                }
            } else if (type >= 8 && type <= 12) {
                fixed(s, n, d, type - 8);
            } else if (type >= 32) {
                lpc(s, n, d, type - 31);
            } else {
                throw new AudioException(file, "FLAC subframe of reserved type " + type);
            }
            if (wasted > 0) {
                for (int i = 0; i < n; i++) {
                    s[i] <<= wasted;
                }
            }
        }

        private void fixed(long[] s, int n, int d, int order) throws IOException {
            if (order > n) {
                throw new AudioException(file, "FLAC predictor order " + order + " exceeds its block of " + n);
            }
            for (int i = 0; i < order; i++) {
                s[i] = bits.readSigned(d);
            }
            residual(s, n, order);
            for (int i = order; i < n; i++) {
                long p = switch (order) {
                    case 0 -> 0;
                    case 1 -> s[i - 1];
                    case 2 -> 2L * s[i - 1] - s[i - 2];
                    case 3 -> 3L * s[i - 1] - 3L * s[i - 2] + s[i - 3];
                    default -> 4L * s[i - 1] - 6L * s[i - 2] + 4L * s[i - 3] - s[i - 4];
                };
                s[i] += p;
            }
        }

        private void lpc(long[] s, int n, int d, int order) throws IOException {
            if (order > n) {
                throw new AudioException(file, "FLAC predictor order " + order + " exceeds its block of " + n);
            }
            for (int i = 0; i < order; i++) {
                s[i] = bits.readSigned(d);
            }
            int precision = (int) bits.read(4) + 1;
            if (precision == 16) {
                throw new AudioException(file, "FLAC LPC coefficient precision code 15 is invalid");
            }
            int shift = (int) bits.readSigned(5);
            if (shift < 0) {
                throw new AudioException(file, "FLAC LPC shift " + shift + " is negative");
            }
            long[] coef = new long[order];
            for (int i = 0; i < order; i++) {
                coef[i] = bits.readSigned(precision);
            }
            residual(s, n, order);
            for (int i = order; i < n; i++) {
                long sum = 0;
                for (int j = 0; j < order; j++) {
                    sum += coef[j] * s[i - 1 - j];
                }
                s[i] += sum >> shift;
            }
        }

        /** The residual after the warm-up samples, into {@code s[order..n)}. */
        private void residual(long[] s, int n, int order) throws IOException {
            int method = (int) bits.read(2);
            if (method > 1) {
                throw new AudioException(file, "FLAC residual coding method " + method + " is reserved");
            }
            int paramBits = method == 0 ? 4 : 5, escape = method == 0 ? 15 : 31;
            int partitionOrder = (int) bits.read(4);
            int partitions = 1 << partitionOrder;
            if (n % partitions != 0 || n / partitions < order) {
                throw new AudioException(file, "FLAC residual partition order " + partitionOrder + " does not fit a block of "
                        + n + " with predictor order " + order);
            }
            int at = order;
            for (int p = 0; p < partitions; p++) {
                int count = n / partitions - (p == 0 ? order : 0);
                int param = (int) bits.read(paramBits);
                if (param == escape) {
                    int raw = (int) bits.read(5);
                    for (int i = 0; i < count; i++) {
                        s[at++] = raw == 0 ? 0 : bits.readSigned(raw);
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        long q = bits.unary();
                        long v = (q << param) | bits.read(param);
                        s[at++] = (v >>> 1) ^ -(v & 1);
                    }
                }
            }
        }

        /**
         * Undoes the channel decorrelation and appends the frame, mixed to mono, to the output. A sample
         * outside the frame's bit depth can only come from damaged data that still passed the CRCs (or a
         * broken encoder): refused, since it would play as a burst of noise.
         */
        private void emit(long[][] block, int n, int assignment, int depth) throws AudioException {
            float[] data = out.room(n, rate);
            int at = out.size();
            double scale = 1.0 / (1L << (depth - 1)) / channels;
            long lo = -(1L << (depth - 1)), hi = (1L << (depth - 1)) - 1;
            for (int i = 0; i < n; i++) {
                long sum = 0;
                if (assignment >= 8) {
                    long left, right;
                    if (assignment == 8) {
                        left = block[0][i];
                        right = left - block[1][i];
                    } else if (assignment == 9) {
                        right = block[1][i];
                        left = block[0][i] + right;
                    } else {
                        long side = block[1][i];
                        long mid = (block[0][i] << 1) | (side & 1);
                        left = (mid + side) >> 1;
                        right = (mid - side) >> 1;
                    }
                    checkRange(left, lo, hi, depth);
                    checkRange(right, lo, hi, depth);
                    sum = left + right;
                } else {
                    for (int c = 0; c < channels; c++) {
                        checkRange(block[c][i], lo, hi, depth);
                        sum += block[c][i];
                    }
                }
                data[at + i] = (float) (sum * scale);
            }
            out.added(n);
        }

        private void checkRange(long v, long lo, long hi, int depth) throws AudioException {
            if (v < lo || v > hi) {
                throw new AudioException(file, "FLAC sample " + v + " does not fit the stream's " + depth
                        + " bits: the data is damaged");
            }
        }
    }

    /** A big-endian bit reader with the CRCs of what it has read since {@link #startCrc}. */
    private static final class Bits {
        private final InputStream in;
        private long cache;
        private int cached;
        private long position;
        private int crc8;
        private int crc16;

        Bits(InputStream in) {
            this.in = in;
        }

        long position() {
            return position;
        }

        boolean hasMore() throws IOException {
            if (cached >= 8) {
                return true;
            }
            in.mark(1);
            int b = in.read();
            if (b < 0) {
                return false;
            }
            in.reset();
            return true;
        }

        void startCrc() {
            crc8 = 0;
            crc16 = 0;
        }

        int crc8() {
            return crc8;
        }

        int crc16() {
            return crc16;
        }

        private void fill() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            position++;
            cache = (cache << 8) | b;
            cached += 8;
            crc8 ^= b;
            for (int i = 0; i < 8; i++) {
                crc8 = (crc8 & 0x80) != 0 ? (crc8 << 1) ^ 0x07 : crc8 << 1;
            }
            crc8 &= 0xFF;
            crc16 ^= b << 8;
            for (int i = 0; i < 8; i++) {
                crc16 = (crc16 & 0x8000) != 0 ? (crc16 << 1) ^ 0x8005 : crc16 << 1;
            }
            crc16 &= 0xFFFF;
        }

        /** {@code n} bits, 0 to 36, unsigned. */
        long read(int n) throws IOException {
            if (n == 0) {
                return 0;
            }
            if (n > 32) {
                long high = read(n - 32);
                return (high << 32) | read(32);
            }
            while (cached < n) {
                fill();
            }
            cached -= n;
            return (cache >>> cached) & ((1L << n) - 1);
        }

        long readSigned(int n) throws IOException {
            long v = read(n);
            return n == 0 ? 0 : (v << (64 - n)) >> (64 - n);
        }

        /**
         * A unary count of zeros ended by a one, bounded so that garbage cannot run on. The zeros are
         * counted a cached run at a time: this is the innermost loop of every Rice-coded residual.
         */
        long unary() throws IOException {
            long q = 0;
            while (true) {
                if (cached == 0) {
                    fill();
                }
                long window = cache & ((1L << cached) - 1);
                if (window == 0) {
                    q += cached;
                    cached = 0;
                    if (q > (1 << 24)) {
                        throw new IOException("FLAC Rice code longer than any sample");
                    }
                    continue;
                }
                int zeros = Long.numberOfLeadingZeros(window) - (64 - cached);
                cached -= zeros + 1;
                return q + zeros;
            }
        }

        void alignToByte() {
            cached -= cached % 8;
        }

        void skipBytes(long n) throws IOException {
            alignToByte();
            for (long i = 0; i < n; i++) {
                read(8);
            }
        }
    }
}
