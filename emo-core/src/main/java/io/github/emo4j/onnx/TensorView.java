package io.github.emo4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FloatTensor} as a network sees it. For float32 tensors it is the tensor's own memory; for
 * float16 and bfloat16 tensors it is a mirror of 16-bit values, converted at the boundary: before a
 * run for inputs ({@link #toModel}), after it for outputs ({@link #fromModel}). The pipeline keeps
 * computing in float32 either way. Not thread-safe; closes its ONNX Runtime tensor.
 */
public final class TensorView implements AutoCloseable {
    /** Views created and not yet closed, in this JVM: what a leak test counts. */
    private static final AtomicLong OPEN = new AtomicLong();

    private final FloatTensor tensor;
    private final ShortBuffer half;
    private final boolean bf16;
    private final OnnxTensor onnx;

    private TensorView(FloatTensor tensor, ShortBuffer half, boolean bf16, OnnxTensor onnx) {
        this.tensor = tensor;
        this.half = half;
        this.bf16 = bf16;
        this.onnx = onnx;
        OPEN.incrementAndGet();
    }

    /** Views created and not yet closed, in this JVM; a finished render leaves this where it found it. */
    public static long openCount() {
        return OPEN.get();
    }

    /** A view of {@code t} with the manifest's {@code dtype}: float32, float16 or bfloat16. */
    public static TensorView of(FloatTensor t, String dtype) throws OrtException {
        switch (dtype) {
            case "float32":
                return new TensorView(t, null, false, t.toOnnx());
            case "float16":
            case "bfloat16": {
                ShortBuffer h = ByteBuffer.allocateDirect(2 * t.size()).order(ByteOrder.nativeOrder()).asShortBuffer();
                OnnxJavaType type = dtype.equals("float16") ? OnnxJavaType.FLOAT16 : OnnxJavaType.BFLOAT16;
                OnnxTensor o = OnnxTensor.createTensor(OrtRuntime.env(), h, t.shape(), type);
                TensorView v = new TensorView(t, h, dtype.equals("bfloat16"), o);
                v.toModel();
                return v;
            }
            default:
                throw new IllegalArgumentException("a float tensor cannot be given as " + dtype);
        }
    }

    public OnnxTensor onnx() {
        return onnx;
    }

    public boolean converts() {
        return half != null;
    }

    /** Copies the float values into the 16-bit mirror (inputs, before a run). */
    public void toModel() {
        if (half == null) {
            return;
        }
        FloatBuffer f = tensor.buffer();
        int n = f.capacity();
        for (int i = 0; i < n; i++) {
            float v = f.get(i);
            half.put(i, bf16 ? Fp16Conversions.floatToBf16(v) : Fp16Conversions.floatToFp16(v));
        }
    }

    /** Copies the 16-bit mirror back into the float values (outputs, after a run). */
    public void fromModel() {
        if (half == null) {
            return;
        }
        FloatBuffer f = tensor.buffer();
        int n = f.capacity();
        for (int i = 0; i < n; i++) {
            short h = half.get(i);
            f.put(i, bf16 ? Fp16Conversions.bf16ToFloat(h) : Fp16Conversions.fp16ToFloat(h));
        }
    }

    private boolean closed;

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OPEN.decrementAndGet();
            onnx.close();
        }
    }
}
