package io.github.emo4j;

/**
 * One named tensor a render passed between its stages, as {@link TraceListener} receives it.
 *
 * @param name   where it sits in a trace folder, without {@code .npy}: {@code render/<name>},
 *               {@code clip-0000/<name>}, {@code clip-0000/step-00/<name>} or {@code clip-0000/decoded}
 * @param stage  {@code render}, {@code clip}, {@code step} or {@code decoded}
 * @param clip   the clip, from 0, or -1 for a once-per-render tensor
 * @param step   the sampling step, from 0, or -1 outside the sampling loop
 * @param layout what the dimensions are and, for a tensor batched over guidance branches, their order
 * @param shape  the dimensions
 * @param values the values in C order (a copy, the listener's to keep)
 */
public record TracedTensor(String name, String stage, int clip, int step, String layout, long[] shape, float[] values) {
}
