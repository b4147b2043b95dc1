package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes NumPy {@code .npy} files (format 1.0, little-endian float32, C order) with a shape fixed up
 * front, so values can be written at any position as they are computed, in bounded memory.
 */
final class NpyWriter implements AutoCloseable {

    private final FileChannel ch;
    private final long dataStart;
    private final long count;

    /**
     * Creates a float32 C-order {@code .npy} file of the given shape, values to be written by index.
     *
     * @param file  the file to create
     * @param shape the array's shape
     * @throws IOException if it cannot be created
     */
    public NpyWriter(Path file, long... shape) throws IOException {
        long n = 1;
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int headerLen = dict.length() + 1;
        int total = 10 + headerLen;
        int pad = (64 - total % 64) % 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(pad)).append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length).put(h).flip();
        this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        this.dataStart = 10 + h.length;
        this.count = n;
        ch.truncate(dataStart);
    }

    /**
     * Writes {@code len} values at flat index {@code index}.
     *
     * @param index  the first flat index written
     * @param values the values
     * @param off    the first of {@code values} to write
     * @param len    how many
     * @throws IOException if the file cannot be written
     */
    public void write(long index, float[] values, int off, int len) throws IOException {
        if (index < 0 || index + len > count) {
            throw new IndexOutOfBoundsException("values " + index + ".." + (index + len) + " outside " + count);
        }
        ByteBuffer b = ByteBuffer.allocate(4 * len).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values, off, len);
        long pos = dataStart + 4 * index;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    /**
     * Reads {@code len} values back from flat index {@code index}.
     *
     * @param index the first flat index read
     * @param dst   where the values go
     * @param off   the first index of {@code dst} written
     * @param len   how many
     * @throws IOException if the file cannot be read
     */
    public void read(long index, float[] dst, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * len).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + 4 * index;
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("read past the end of the array");
            }
        }
        b.flip();
        b.asFloatBuffer().get(dst, off, len);
    }

    /**
     * Values in the array.
     *
     * @return the product of the shape
     */
    public long count() {
        return count;
    }

    @Override
    public void close() throws IOException {
        if (ch.size() < dataStart + 4 * count) {
            ch.truncate(dataStart + 4 * count);
            ByteBuffer zero = ByteBuffer.allocate(1);
            ch.write(zero, dataStart + 4 * count - 1);
        }
        ch.close();
    }
}
