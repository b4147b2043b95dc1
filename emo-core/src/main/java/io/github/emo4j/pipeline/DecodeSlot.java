package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.OnnxComponent;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/** One of a render's two decode buffers, with the worker task that is using it. */
final class DecodeSlot {
    final FloatTensor decodeIn;
    final FloatTensor decoded;
    private final OnnxComponent decoder;
    private final List<AutoCloseable> views;
    private final OrtClock clock;
    // by frame count: a clip decodes only the frames it emits (the last clip's valid ones, or a
    // context window's frames before its overlap), over the start of the same buffers
    private final Map<Integer, ComponentCall> calls = new HashMap<>();
    Future<Void> pending;

    DecodeSlot(FloatTensor decodeIn, FloatTensor decoded, OnnxComponent decoder, List<AutoCloseable> views, OrtClock clock) {
        this.decodeIn = decodeIn;
        this.decoded = decoded;
        this.decoder = decoder;
        this.views = views;
        this.clock = clock;
    }

    ComponentCall callFor(int frames) throws OrtException {
        ComponentCall c = calls.get(frames);
        if (c == null) {
            c = new ComponentCall(decoder, views, clock).input(Contract.LATENTS, decodeIn.leading(frames))
                    .output(Contract.PIXELS, decoded.leading(frames));
            calls.put(frames, c);
        }
        return c;
    }

    /** Waits for the slot's last task, rethrowing its failure. */
    void await() throws IOException {
        if (pending == null) {
            return;
        }
        try {
            HelperTasks.await(pending, "decoding");
        } finally {
            pending = null;
        }
    }
}
