package io.github.emo4j.pack;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.emo4j.EmoException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One network of a loaded pack: its ONNX Runtime session and its declared tensors. Runs are
 * thread-safe (ONNX Runtime sessions are) and their time is counted for the render's timing breakdown.
 */
public final class OnnxComponent implements AutoCloseable {

    private final ComponentSpec spec;
    private final OrtSession session;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();

    OnnxComponent(ComponentSpec spec, OrtSession session) {
        this.spec = spec;
        this.session = session;
    }

    public ComponentSpec spec() {
        return spec;
    }

    /** Whether the network takes {@code input}. */
    public boolean takes(String input) {
        return spec.input(input) != null;
    }

    /**
     * Runs the network writing every output into the caller's pinned tensors, so nothing is allocated
     * for results and no {@code Result} has to be copied out.
     *
     * @return nanoseconds spent inside {@code OrtSession.run}
     */
    public long runInto(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> outputs) {
        long t0 = System.nanoTime();
        long spent;
        try (OrtSession.Result r = session.run(inputs, java.util.Set.of(), outputs)) {
            // outputs were written in place
            assert r != null;
        } catch (OrtException e) {
            throw new EmoException(spec.role().key() + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            spent = System.nanoTime() - t0;
            nanos.addAndGet(spent);
            runs.incrementAndGet();
        }
        return spent;
    }

    /** Runs the network and returns its first output as a float array (for small, per-render tensors). */
    public float[] runToArray(Map<String, OnnxTensor> inputs, String output) {
        long t0 = System.nanoTime();
        try (OrtSession.Result r = session.run(inputs)) {
            OnnxValue v = r.get(output).orElseThrow(() ->
                    new EmoException(spec.role().key() + ": output '" + output + "' was not produced"));
            java.nio.FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
            float[] a = new float[b.remaining()];
            b.get(a);
            return a;
        } catch (OrtException e) {
            throw new EmoException(spec.role().key() + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            nanos.addAndGet(System.nanoTime() - t0);
            runs.incrementAndGet();
        }
    }

    /** Total time spent inside {@code OrtSession.run}, in nanoseconds, since load. */
    public long nanosInRun() {
        return nanos.get();
    }

    public long runCount() {
        return runs.get();
    }

    OrtSession session() {
        return session;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EmoException(spec.role().key() + ": failed to close session: " + e.getMessage(), e);
        }
    }
}
