package io.github.emo4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A float tensor over a direct, native-order buffer. ONNX Runtime reads inputs from and writes pinned
 * outputs into such a buffer without copying, so the sampling loop moves no tensor data through the
 * Java heap. Not thread-safe.
 */
public final class FloatTensor {
    /**
     * Values per pass of the whole-tensor operations: they go through a heap array of this size, where
     * the arithmetic vectorises (a direct buffer's element accesses do not) and which stays in cache.
     */
    public static final int CHUNK = 2048;
    /** Largest tensor emo4j will allocate, in elements (2 GiB of floats). */
    public static final long MAX_ELEMENTS = (1L << 29);

    /** Bytes of direct memory allocated for tensors in this JVM, for checking that work does not grow it. */
    private static final LongAdder ALLOCATED = new LongAdder();

    private final long[] shape;
    private final FloatBuffer data;

    private FloatTensor(long[] shape, FloatBuffer data) {
        this.shape = shape;
        this.data = data;
    }

    /** A zero-filled tensor. */
    public static FloatTensor zeros(long... shape) {
        long n = count(shape);
        FloatBuffer b = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        ALLOCATED.add(n * 4);
        return new FloatTensor(shape.clone(), b);
    }

    /**
     * Bytes of direct memory tensors have been given in this JVM so far (freed or not): the difference over
     * a piece of work is what it allocated, which a test can compare between a short and a long render.
     *
     * @return bytes allocated so far
     */
    public static long allocatedBytes() {
        return ALLOCATED.sum();
    }

    /** A tensor of {@code shape} over {@code data}, which holds exactly its values (for {@link TensorPool}). */
    static FloatTensor over(FloatBuffer data, long[] shape) {
        if (count(shape) != data.capacity()) {
            throw new IllegalArgumentException(data.capacity() + " values do not fill shape " + Arrays.toString(shape));
        }
        return new FloatTensor(shape.clone(), data);
    }

    /** A tensor holding a copy of {@code values}. */
    public static FloatTensor of(float[] values, long... shape) {
        FloatTensor t = zeros(shape);
        if (values.length != t.size()) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + Arrays.toString(shape));
        }
        t.data.put(0, values);
        return t;
    }

    /** Number of elements of {@code shape}, checked against {@link #MAX_ELEMENTS}. */
    public static long count(long... shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
            }
        }
        return n;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return data.capacity();
    }

    /** The backing buffer; absolute get/put only, position is not used. */
    public FloatBuffer buffer() {
        return data;
    }

    public float get(int i) {
        return data.get(i);
    }

    public void set(int i, float v) {
        data.put(i, v);
    }

    /** Copies {@code n} values from {@code src} at {@code srcOffset} into this tensor at {@code offset}. */
    public void put(int offset, float[] src, int srcOffset, int n) {
        data.put(offset, src, srcOffset, n);
    }

    /** Copies {@code n} values at {@code offset} into {@code dst}. */
    public void get(int offset, float[] dst, int dstOffset, int n) {
        data.get(offset, dst, dstOffset, n);
    }

    /** Copies all of {@code other} into this tensor at {@code offset}. */
    public void copyFrom(FloatTensor other, int offset) {
        data.put(offset, other.data, 0, other.size());
    }

    /** Multiplies every value by {@code s}, in place. */
    public void scale(float s) {
        int n = size();
        float[] chunk = new float[Math.min(CHUNK, n)];
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            data.get(from, chunk, 0, len);
            for (int k = 0; k < len; k++) {
                chunk[k] *= s;
            }
            data.put(from, chunk, 0, len);
        }
    }

    /** Whether every value is finite: no NaN, no infinity. */
    public boolean allFinite() {
        return allFinite(0, size());
    }

    /** Whether the values from {@code from} (inclusive) to {@code to} (exclusive) are all finite. */
    public boolean allFinite(int from, int to) {
        // the largest magnitude is NaN if any value is, and infinite if any value is
        float largest = 0;
        float[] chunk = new float[Math.max(0, Math.min(CHUNK, to - from))];
        for (int at = from; at < to; at += CHUNK) {
            int len = Math.min(CHUNK, to - at);
            data.get(at, chunk, 0, len);
            for (int k = 0; k < len; k++) {
                largest = Math.max(largest, Math.abs(chunk[k]));
            }
        }
        return largest < Float.POSITIVE_INFINITY;
    }

    /** Fills with a constant. */
    public void fill(float v) {
        int n = size();
        float[] chunk = new float[Math.min(CHUNK, n)];
        Arrays.fill(chunk, v);
        for (int from = 0; from < n; from += CHUNK) {
            data.put(from, chunk, 0, Math.min(CHUNK, n - from));
        }
    }

    /** The first {@code items} entries along the leading dimension, sharing this tensor's memory. */
    public FloatTensor leading(long items) {
        if (items < 1 || items > shape[0]) {
            throw new IllegalArgumentException(items + " leading items of shape " + Arrays.toString(shape));
        }
        long[] s = shape.clone();
        s[0] = items;
        return new FloatTensor(s, data.slice(0, (int) count(s)));
    }

    /** An ONNX Runtime view of this tensor sharing its memory. The caller closes it. */
    public OnnxTensor toOnnx() throws OrtException {
        return OnnxTensor.createTensor(OrtRuntime.env(), data, shape);
    }
}
