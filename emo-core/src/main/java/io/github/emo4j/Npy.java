package io.github.emo4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} files of numbers, the format PyTorch and NumPy users save tensors in: emo4j's
 * traces are written in it and initial noise and preprocessing results are read from it. Reads
 * little-endian float16, float32 and float64 arrays in C order (format versions 1 to 3); writes float32.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    /** The most values an array may hold (2 GiB of float32). */
    public static final long MAX_VALUES = 1L << 29;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([fi])(\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * An array's shape and values, in C order.
     *
     * @param shape  the dimensions
     * @param values the values, as many as the dimensions multiply to
     */
    public record Array(long[] shape, float[] values) {
        /**
         * Checks that the values fill the shape.
         *
         * @param shape  the dimensions
         * @param values the values
         */
        public Array {
            shape = shape.clone();
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException(values.length + " values do not fill " + Arrays.toString(shape));
            }
        }

        /**
         * The dimensions.
         *
         * @return a copy of the dimensions
         */
        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /**
     * Reads an array of numbers.
     *
     * @param file the {@code .npy} file
     * @return its shape and values, as float32
     * @throws InvalidInputException if the file cannot be read or is not such an array
     */
    public static Array read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, ch.size(), file.toString());
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an array of numbers held in memory, such as a file of a pack built in memory.
     *
     * @param bytes the {@code .npy} file's bytes
     * @param name  the file's name, for messages
     * @return its shape and values, as float32
     * @throws InvalidInputException if the bytes are not such an array
     */
    public static Array read(byte[] bytes, String name) {
        try {
            return read(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, name);
        } catch (IOException e) {
            throw new InvalidInputException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Array read(ReadableByteChannel ch, long size, String file) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, head, file);
        head.flip();
        byte[] magic = new byte[6];
        head.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw bad(file, "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = head.get() & 0xFF;
        head.get();
        long headerLength;
        long position = 10;
        if (major == 1) {
            headerLength = head.getShort() & 0xFFFF;
        } else if (major == 2 || major == 3) {
            ByteBuffer more = ByteBuffer.allocate(2);
            readFully(ch, more, file);
            position += 2;
            headerLength = (head.getShort() & 0xFFFFL) | (more.flip().order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFFL) << 16;
        } else {
            throw bad(file, "unsupported .npy format version " + major);
        }
        if (headerLength > MAX_HEADER || position + headerLength > size) {
            throw bad(file, "header of " + headerLength + " bytes does not fit the file");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLength);
        readFully(ch, hb, file);
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return body(file, ch, header, size - position - headerLength);
    }

    private static Array body(String file, ReadableByteChannel ch, String header, long remaining) throws IOException {
        Matcher descr = DESCR.matcher(header), order = ORDER.matcher(header), shapeM = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shapeM.find()) {
            throw bad(file, "header lacks descr, fortran_order or shape: " + header.strip());
        }
        if (order.group(1).equals("True")) {
            throw bad(file, "Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray");
        }
        int width = Integer.parseInt(descr.group(3));
        if (descr.group(1).equals(">") || !descr.group(2).equals("f") || (width != 2 && width != 4 && width != 8)) {
            throw bad(file, "dtype '" + descr.group(1) + descr.group(2) + width + "' is not little-endian float16, 32 or 64");
        }
        long[] shape = Arrays.stream(shapeM.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(s -> {
                    try {
                        return Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
                    } catch (NumberFormatException e) {
                        throw bad(file, "shape entry '" + s + "' is not a number");
                    }
                }).toArray();
        long n = 1;
        for (long d : shape) {
            if (d < 0 || (d > 0 && n > MAX_VALUES / d)) {
                throw bad(file, "shape " + Arrays.toString(shape) + " is negative or larger than " + MAX_VALUES + " values");
            }
            n *= d;
        }
        // a quarter of the heap at most, so that no file can make the process run out of memory
        long budget = Runtime.getRuntime().maxMemory() / 4 / Float.BYTES;
        if (n > budget) {
            throw bad(file, "shape " + Arrays.toString(shape) + " holds " + n + " values, more than this process can "
                    + "hold (" + budget + " within a quarter of the heap)");
        }
        if (n * width != remaining) {
            throw bad(file, "shape " + Arrays.toString(shape) + " needs " + n * width + " bytes of data, the file has " + remaining);
        }
        ByteBuffer data = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) n];
        int at = 0;
        while (at < n) {
            data.clear();
            data.limit((int) Math.min(data.capacity() / width * width, (n - at) * width));
            readFully(ch, data, file);
            data.flip();
            while (data.hasRemaining()) {
                values[at++] = switch (width) {
                    case 2 -> halfToFloat(data.getShort());
                    case 4 -> data.getFloat();
                    default -> (float) data.getDouble();
                };
            }
        }
        return new Array(shape, values);
    }

    /** IEEE 754 binary16 to float, subnormals, infinities and NaN included. */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF, sign = bits >>> 15, exp = bits >>> 10 & 0x1F, mant = bits & 0x3FF;
        float magnitude;
        if (exp == 0) {
            magnitude = mant * 0x1.0p-24f;
        } else if (exp == 31) {
            magnitude = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat((exp + 112) << 23 | mant << 13);
        }
        return sign == 0 ? magnitude : -magnitude;
    }

    private static void readFully(ReadableByteChannel ch, ByteBuffer b, String file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw bad(file, "ends early");
            }
        }
    }

    private static InvalidInputException bad(String file, String what) {
        return new InvalidInputException(file + ": " + what);
    }

    /**
     * Writes a float32 array, version 1.0, C order.
     *
     * @param file   where to write; its folder must exist
     * @param shape  the dimensions
     * @param values the values, as many as the dimensions multiply to
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, long[] shape, float[] values) throws IOException {
        new Array(shape, values);
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, shape, values);
        }
    }

    /**
     * Writes a float32 array, version 1.0, C order, to a stream.
     *
     * @param out    the stream, left open
     * @param shape  the dimensions
     * @param values the values
     * @throws IOException if the stream fails
     */
    public static void write(OutputStream out, long[] shape, float[] values) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? shape[0] + "," : shape.length == 0 ? "" : dims.substring(0, dims.length() - 2);
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }");
        // the data starts at a multiple of 64 bytes, the header ends with a newline
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!data.hasRemaining()) {
                out.write(data.array(), 0, data.position());
                data.clear();
            }
            data.putFloat(v);
        }
        out.write(data.array(), 0, data.position());
    }

}
