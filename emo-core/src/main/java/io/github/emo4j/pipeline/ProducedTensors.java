package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.ComponentSpec;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors components make for other components, by name: identity tokens, reference banks, face
 * locator features. Each output is pinned into a tensor of the render; an input a component does not
 * get explicitly is taken from an earlier output of the same name, batched for guidance as its
 * manifest entry says. Where a consumer wants the unconditional half to be what a producer makes of
 * all-zero inputs ({@code "uncond": "zero_input"}), the producer runs a second time on zeros.
 */
final class ProducedTensors {
    private final ModelPack pack;
    private final List<AutoCloseable> views;
    private final OrtClock clock;
    private final int batch;
    /** The symbol of the denoiser's guidance batch (its sample's first dimension), "batch" by convention. */
    private final Object guidanceSymbol;
    private final Map<String, FloatTensor> produced = new HashMap<>();
    private final Map<String, FloatTensor> zeroInput = new HashMap<>();

    private final Tracer trace;

    ProducedTensors(ModelPack pack, List<AutoCloseable> views, OrtClock clock, int batch, Tracer trace) {
        this.pack = pack;
        this.trace = trace;
        this.views = views;
        this.clock = clock;
        this.batch = batch;
        Object lead = pack.component(Role.DENOISING_UNET).spec().input(Contract.SAMPLE).shape().get(0);
        this.guidanceSymbol = lead instanceof String ? lead : "batch";
    }

    /** Offers {@code tensor} under {@code name} as if a component had made it: the pipeline's own. */
    void provide(String name, FloatTensor tensor) {
        produced.put(name, tensor);
    }

    /** An output made so far, or {@code null}. */
    FloatTensor get(String name) {
        return produced.get(name);
    }

    /**
     * Runs {@code role} once with {@code given} inputs, the rest taken from earlier outputs; symbolic
     * leading output dimensions take {@code items}.
     */
    void run(Role role, Map<String, FloatTensor> given, int items) throws OrtException {
        ComponentSpec spec = pack.component(role).spec();
        // both passes on one session, when a released component would otherwise be opened for each
        try (OnnxComponent.Hold held = pack.component(role).hold()) {
            pinOutputs(bind(role, given, false), role, items, produced).run();
            boolean zero = spec.outputs().stream().anyMatch(o -> wantsZeroInput(o.name()));
            if (zero) {
                pinOutputs(bind(role, given, true), role, items, zeroInput).run();
            }
            if (trace.on()) {
                for (TensorSpec o : spec.outputs()) {
                    trace.render(o.name(), produced.get(o.name()), role.key() + " output " + o.shape());
                    if (zero) {
                        trace.render(o.name() + ".zero_input", zeroInput.get(o.name()), role.key() + " output on all-zero inputs");
                    }
                }
            }
        }
    }

    /** Binds each of {@code role}'s outputs to a new tensor, kept in {@code into} by name. */
    ComponentCall pinOutputs(ComponentCall call, Role role, int items, Map<String, FloatTensor> into) throws OrtException {
        for (TensorSpec o : pack.component(role).spec().outputs()) {
            FloatTensor t = FloatTensor.zeros(shape(o, role, items));
            into.put(o.name(), t);
            call.output(o.name(), t);
        }
        return call;
    }

    /** A call of {@code role} with its inputs bound: as given, from earlier outputs, or all zeros. */
    ComponentCall bind(Role role, Map<String, FloatTensor> given, boolean allZero) throws OrtException {
        ComponentCall call = new ComponentCall(pack.component(role), views, clock);
        for (TensorSpec in : pack.component(role).spec().inputs()) {
            FloatTensor t = given.get(in.name());
            if (t == null) {
                FloatTensor src = produced.get(in.name());
                if (src == null) {
                    throw new PackException(pack.source() + ": " + role.key() + " input '" + in.name()
                            + "' is produced by no component that runs before it");
                }
                t = forGuidance(src, in);
            }
            call.input(in.name(), allZero ? FloatTensor.zeros(t.shape()) : t, false);
        }
        return call;
    }

    private boolean wantsZeroInput(String name) {
        for (Role r : Role.values()) {
            if (pack.has(r)) {
                TensorSpec in = pack.component(r).spec().input(name);
                if (in != null && "zero_input".equals(in.uncond())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code src} shaped for an input batched for guidance: as it is when the consumer takes it
     * unbatched (its leading dimension is neither the denoiser's guidance batch symbol nor the batched
     * size), else one copy per branch, where a branch without the condition gets zeros or the
     * zero-input output as the manifest's {@code uncond} says.
     */
    FloatTensor forGuidance(FloatTensor src, TensorSpec in) {
        long[] shape = src.shape();
        Object lead = in.shape().get(0);
        boolean batched = lead instanceof Long l ? l == shape[0] * batch : lead.equals(guidanceSymbol);
        if (batch == 1 || !batched) {
            return src;
        }
        long[] doubled = shape.clone();
        doubled[0] = shape[0] * batch;
        FloatTensor t = FloatTensor.zeros(doubled);
        fillBranches(src, in, t);
        return t;
    }

    /** Writes each branch's part of a guidance-batched {@code dst}. */
    void fillBranches(FloatTensor src, TensorSpec in, FloatTensor dst) {
        FloatTensor off = "zero_input".equals(in.uncond()) ? zeroInput.get(in.name()) : null;
        if ("zero_input".equals(in.uncond()) && off == null) {
            throw new PackException(pack.source() + ": input '" + in.name()
                    + "' asks for uncond \"zero_input\", which only outputs made once per render can give");
        }
        for (int b = 0; b < batch; b++) {
            if (in.presentIn(b, batch)) {
                dst.copyFrom(src, b * src.size());
            } else if (off != null) {
                dst.copyFrom(off, b * src.size());
            }
        }
    }

    /**
     * The shape of {@code t}, a symbolic leading dimension taking {@code items}; other symbols, and any
     * symbol when {@code items} is negative, are refused.
     */
    long[] shape(TensorSpec t, Role role, int items) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
            if (shape[i] < 0) {
                if (items < 0) {
                    throw new PackException(pack.source() + ": " + role.key() + " tensor '" + t.name()
                            + "' must have a fixed shape, not " + t.shape());
                }
                if (i > 0) {
                    throw new PackException(pack.source() + ": " + role.key() + " tensor '" + t.name()
                            + "' must have fixed dimensions after the first, not " + t.shape());
                }
                shape[i] = items;
            }
        }
        return shape;
    }
}
