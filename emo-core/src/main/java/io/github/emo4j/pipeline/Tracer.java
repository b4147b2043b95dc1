package io.github.emo4j.pipeline;

import io.github.emo4j.TraceListener;
import io.github.emo4j.TracedTensor;
import io.github.emo4j.onnx.FloatTensor;

/**
 * Hands a render's named tensors to the request's {@link TraceListener}, copied, under the trace
 * layout's names. Without a listener every call returns at once and nothing is copied.
 */
final class Tracer {
    private final TraceListener listener;
    private final String branches;

    Tracer(TraceListener listener, int branches) {
        this.listener = listener;
        this.branches = switch (branches) {
            case 1 -> "branches: cond";
            case 2 -> "branches: uncond, cond";
            default -> "branches: uncond, reference, full";
        };
    }

    boolean on() {
        return listener != null;
    }

    /** The guidance batch's order, for layouts of batched tensors. */
    String branches() {
        return branches;
    }

    void render(String name, FloatTensor t, String layout) {
        if (listener != null) {
            emit("render/" + name, "render", -1, -1, layout, t.shape(), values(t));
        }
    }

    void clip(int clip, String name, FloatTensor t, String layout) {
        if (listener != null) {
            emit(String.format("clip-%04d/%s", clip, name), "clip", clip, -1, layout, t.shape(), values(t));
        }
    }

    void step(int clip, int step, String name, FloatTensor t, String layout) {
        if (listener != null) {
            emit(String.format("clip-%04d/step-%02d/%s", clip, step, name), "step", clip, step, layout, t.shape(), values(t));
        }
    }

    void stepValue(int clip, int step, String name, float value, String layout) {
        if (listener != null) {
            emit(String.format("clip-%04d/step-%02d/%s", clip, step, name), "step", clip, step, layout, new long[] {1},
                    new float[] {value});
        }
    }

    /** A clip's decoded frames before compositing, {@code [frames, 3, R, R]}. */
    void decoded(int clip, float[] pixels, long[] shape) {
        if (listener != null) {
            emit(String.format("clip-%04d/decoded", clip), "decoded", clip, -1, "[frame, RGB, y, x], 0..1, before paste-back",
                    shape, pixels);
        }
    }

    private static float[] values(FloatTensor t) {
        float[] v = new float[t.size()];
        t.get(0, v, 0, v.length);
        return v;
    }

    private void emit(String name, String stage, int clip, int step, String layout, long[] shape, float[] values) {
        listener.onTensor(new TracedTensor(name, stage, clip, step, layout, shape, values));
    }
}
