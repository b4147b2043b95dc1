package io.github.emo4j.audio;

/**
 * The bits of one packet, most significant first (AAC, ALAC). Reading past the packet's end throws
 * {@link ArrayIndexOutOfBoundsException}, which the decoders turn into a named error.
 */
final class MsbBits {
    private final byte[] data;
    private final long end;
    private long pos;

    MsbBits(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = 8L * offset;
        this.end = 8L * (offset + length);
    }

    int read(int n) {
        int v = peek(n);
        pos += n;
        return v;
    }

    int peek(int n) {
        if (pos + n > end) {
            throw new ArrayIndexOutOfBoundsException();
        }
        long v = 0;
        long p = pos;
        for (int i = 0; i < n; i++, p++) {
            v = v << 1 | (data[(int) (p >> 3)] >> (7 - (p & 7)) & 1);
        }
        return (int) v;
    }

    void skip(long n) {
        if (pos + n > end) {
            throw new ArrayIndexOutOfBoundsException();
        }
        pos += n;
    }

    void align() {
        pos = (pos + 7) & ~7L;
    }

    long left() {
        return end - pos;
    }

    long position() {
        return pos;
    }

    void seek(long p) {
        pos = p;
    }

    /**
     * The leaf a codeword leads to in a tree whose node {@code n} has children {@code tree[2n]} and
     * {@code tree[2n+1]} (a leaf is {@code ~entry}, 0 no branch), or -1 for a word the tree lacks.
     */
    int leaf(int[] tree) {
        int n = 0;
        while (true) {
            int c = tree[2 * n + read(1)];
            if (c < 0) {
                return ~c;
            }
            if (c == 0) {
                return -1;
            }
            n = c;
        }
    }

    /**
     * Skips a data stream element or a fill element of AAC's raw syntax (shared by ALAC): DSE after its
     * 3-bit tag ({@code dse}), FIL otherwise.
     */
    void skipElement(boolean dse) {
        if (dse) {
            read(4);
            boolean align = read(1) == 1;
            int count = read(8);
            if (count == 255) {
                count += read(8);
            }
            if (align) {
                align();
            }
            skip(8L * count);
        } else {
            int count = read(4);
            if (count == 15) {
                count += read(8) - 1;
            }
            skip(8L * count);
        }
    }
}
