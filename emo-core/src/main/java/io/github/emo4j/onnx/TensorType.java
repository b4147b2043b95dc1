package io.github.emo4j.onnx;

/** ONNX tensor element types used by emo4j, with their {@code TensorProto.DataType} codes. */
public enum TensorType {
    FLOAT(1, 4), UINT8(2, 1), INT32(6, 4), INT64(7, 8), BOOL(9, 1), FLOAT16(10, 2), DOUBLE(11, 8), BFLOAT16(16, 2);

    final int code;
    final int bytes;

    TensorType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The {@code TensorProto.DataType} code. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
