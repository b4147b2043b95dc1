package io.github.emo4j.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.TensorView;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.TensorSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One component's inputs and outputs bound to the render's buffers, built once and run many times.
 * Tensors the manifest declares as float16 or bfloat16 are converted at this boundary; the views it
 * creates are registered with the render, which closes them.
 */
final class ComponentCall {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentCall.class);
    private final OnnxComponent component;
    private final List<AutoCloseable> owned;
    private final OrtClock clock;
    private final Map<String, OnnxTensor> in = new HashMap<>();
    private final Map<String, OnnxTensor> out = new HashMap<>();
    /** Inputs and outputs converted at every run, by name. */
    private final Map<String, TensorView> convertIn = new LinkedHashMap<>();
    private final Map<String, TensorView> convertOut = new LinkedHashMap<>();
    private final Map<String, TensorView> refreshable = new HashMap<>();
    /** Outputs whose values are checked after every run; see {@link #checkedElsewhere}. */
    private final Map<String, FloatTensor> checked = new LinkedHashMap<>();

    ComponentCall(OnnxComponent component, List<AutoCloseable> owned, OrtClock clock) {
        this.component = component;
        this.owned = owned;
        this.clock = clock;
    }

    /** The component's name in messages: pack and role. */
    String name() {
        return component.name();
    }

    ComponentCall input(String name, FloatTensor t) throws OrtException {
        return input(name, t, true);
    }

    /**
     * Binds an input. One that does not change at every run ({@code changes} false) is converted to
     * 16 bits once, here, and again only when {@link #refresh} says its values changed.
     */
    ComponentCall input(String name, FloatTensor t, boolean changes) throws OrtException {
        TensorView v = view(component.spec().input(name), name, t);
        in.put(name, v.onnx());
        if (v.converts()) {
            if (changes) {
                convertIn.put(name, v);
            } else {
                refreshable.put(name, v);
            }
        }
        return this;
    }

    /** Tells the call that the values of input {@code name}, bound as not changing, were rewritten. */
    void refresh(String name) {
        TensorView v = refreshable.get(name);
        if (v != null) {
            v.toModel();
        }
    }

    ComponentCall input(String name, OnnxTensor raw) {
        owned.add(raw);
        in.put(name, raw);
        return this;
    }

    /**
     * Leaves the outputs' NaN and infinity check to the caller, which folds it into a pass it makes
     * anyway (the denoiser's guidance) or checks only the part it keeps (the decoder's clip frames).
     */
    ComponentCall checkedElsewhere() {
        checked.clear();
        return this;
    }

    ComponentCall output(String name, FloatTensor t) throws OrtException {
        TensorView v = view(component.spec().output(name), name, t);
        out.put(name, v.onnx());
        checked.put(name, t);
        if (v.converts()) {
            convertOut.put(name, v);
        }
        return this;
    }

    /**
     * A call that shares every binding of this one but input {@code input} and output {@code output},
     * bound to {@code in} and {@code out} instead: a loop that alternates two buffers for them runs the
     * two calls in turn. Both must be bound here, as changing at every run.
     */
    ComponentCall alternate(String input, FloatTensor in, String output, FloatTensor out) throws OrtException {
        if (!this.in.containsKey(input) || refreshable.containsKey(input) || !this.out.containsKey(output)) {
            throw new IllegalStateException(component.name() + ": '" + input + "' or '" + output + "' is not bound for every run");
        }
        ComponentCall c = new ComponentCall(component, owned, clock);
        c.in.putAll(this.in);
        c.out.putAll(this.out);
        c.convertIn.putAll(convertIn);
        c.convertOut.putAll(convertOut);
        c.refreshable.putAll(refreshable);
        c.checked.putAll(checked);
        // the two are bound again over the new buffers, as this call bound them
        c.convertIn.remove(input);
        c.convertOut.remove(output);
        c.input(input, in, true);
        c.output(output, out);
        if (!checked.containsKey(output)) {
            c.checked.remove(output);
        }
        return c;
    }

    private TensorView view(TensorSpec spec, String name, FloatTensor t) throws OrtException {
        if (spec == null) {
            throw new PackException(component.name() + ": no tensor '" + name + "' in the manifest");
        }
        TensorView v = TensorView.of(t, spec.dtype());
        owned.add(v);
        return v;
    }

    /** Runs once for the whole render; see {@link #run(int)}. */
    long run() {
        return run(-1);
    }

    /**
     * Converts 16-bit inputs, runs, converts 16-bit outputs and checks that they are finite; returns the
     * nanoseconds inside ONNX Runtime.
     *
     * @param clip the clip this run is for, named in the error when an output is not finite; -1 for none
     * @throws PackException when an output holds NaN or an infinity
     */
    long run(int clip) {
        for (TensorView v : convertIn.values()) {
            v.toModel();
        }
        clock.enter();
        long ns = 0;
        try {
            ns = component.runInto(in, out);
        } finally {
            clock.exit(ns);
        }
        for (TensorView v : convertOut.values()) {
            v.fromModel();
        }
        for (Map.Entry<String, FloatTensor> o : checked.entrySet()) {
            if (!o.getValue().allFinite()) {
                throw notFinite(o.getKey(), clip);
            }
        }
        return ns;
    }

    /** The error for output {@code name} holding NaN or an infinity after the run for {@code clip} (-1 for none). */
    PackException notFinite(String name, int clip) {
        return new PackException(component.name() + ": output '" + name + "' holds NaN or infinite values"
                + (clip >= 0 ? " at clip " + (clip + 1) : "") + "; nothing was written");
    }

    /** Closes every tensor view of a render, logging (not throwing) a failure to release one. */
    static void closeAll(List<AutoCloseable> owned) {
        for (AutoCloseable v : owned) {
            try {
                v.close();
            } catch (Exception e) {
                LOG.warn("could not release a tensor: {}", e.toString());
            }
        }
    }
}
