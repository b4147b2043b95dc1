package io.github.emo4j.pack;

import java.util.List;

/**
 * A tensor a component takes or gives, as the manifest declares it.
 *
 * @param name  the ONNX input or output name
 * @param dtype {@code float32}, {@code float16}, {@code bfloat16}, {@code int64} or {@code int32}
 * @param shape each entry a fixed size ({@link Long}) or a symbolic name ({@link String})
 * @param uncond for a denoiser input batched for guidance: {@code "zeros"} when the unconditional half
 *               gets zeros (audio, face-locator features, as Hallo does), {@code "same"} when both
 *               halves get the same values (reference banks), {@code "zero_input"} when it gets what
 *               the producing component makes of all-zero inputs (Hallo's identity tokens are
 *               {@code image_proj(zeros)} in the unconditional half)
 * @param condition which condition a {@code "zeros"} input carries, for separate reference and audio
 *               guidance: {@code "audio"} (absent from the reference-only branch too, the default) or
 *               {@code "reference"} (present in the reference-only branch)
 */
public record TensorSpec(String name, String dtype, List<Object> shape, String uncond, String condition) {

    public TensorSpec {
        shape = List.copyOf(shape);
        uncond = uncond == null ? "same" : uncond;
        condition = condition == null ? "audio" : condition;
    }

    public TensorSpec(String name, String dtype, List<Object> shape) {
        this(name, dtype, shape, "same", "audio");
    }

    /** Whether branch {@code b} of a {@code batch}-branch guidance batch gets this tensor's values. */
    public boolean presentIn(int b, int batch) {
        return "same".equals(uncond) || conditionIn(b, batch);
    }

    /**
     * Whether branch {@code b} of a {@code batch}-branch guidance batch has this tensor's condition: the
     * last branch always; with three, the middle one too when the condition is {@code "reference"}
     * (branch 0 is unconditional, branch 1 has the reference but not the audio).
     */
    public boolean conditionIn(int b, int batch) {
        return b == batch - 1 || (batch == 3 && b == 1 && "reference".equals(condition));
    }

    /** The fixed size of dimension {@code i}, or -1 when it is symbolic. */
    public long dim(int i) {
        return shape.get(i) instanceof Long l ? l : -1;
    }

    public int rank() {
        return shape.size();
    }

    @Override
    public String toString() {
        return name + " " + dtype + shape;
    }
}
