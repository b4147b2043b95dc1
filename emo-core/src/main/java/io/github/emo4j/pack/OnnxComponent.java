package io.github.emo4j.pack;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.emo4j.EmoException;
import io.github.emo4j.PackException;
import io.github.emo4j.RenderCancelledException;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One network of a loaded pack: its ONNX Runtime session and its declared tensors. Runs are
 * thread-safe (ONNX Runtime sessions are) and their time is counted for the render's timing breakdown.
 *
 * <p>A component that is only needed at the start of a render (the audio encoder, say) may be
 * <em>released</em>: its session, with the weights it holds in host or device memory, is closed
 * whenever no run or {@link #hold} is using it, and opened again for the next one.
 *
 * <p>Every run counts as a user of the session. {@link #close} refuses new users at once but frees the
 * session only when the last one leaves: freeing it under a running {@code OrtSession.run} would crash
 * the JVM inside native code.
 */
public final class OnnxComponent implements AutoCloseable {

    /** Opens the component's session again after a release. */
    interface Opener {
        OrtSession open() throws OrtException;
    }

    private final ComponentSpec spec;
    /** The pack folder (or built-in pack) and role, as every message about this component begins. */
    private final String name;
    private final Opener reopen;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private OrtSession session;
    private int users;
    private boolean closed;

    /**
     * A component of the pack at {@code pack} whose session is released when unused and reopened by
     * {@code reopen}, or kept open when {@code reopen} is null.
     */
    OnnxComponent(String pack, ComponentSpec spec, OrtSession session, Opener reopen) {
        this.spec = spec;
        this.name = pack + ": " + spec.role().key();
        this.session = session;
        this.reopen = reopen;
    }

    private synchronized OrtSession acquire() {
        if (closed) {
            // a pipeline closed during a render stops it; the render ends as cancelled, leaving no file
            throw new RenderCancelledException(name + ": the pipeline was closed; no output was written");
        }
        if (session == null) {
            try {
                session = reopen.open();
            } catch (OrtException e) {
                throw new PackException(name + ": cannot open the network again: " + e.getMessage(), e);
            }
        }
        users++;
        return session;
    }

    private synchronized void release() {
        users--;
        if (users == 0) {
            if (closed) {
                closeSession();
            } else {
                releaseIfUnused();
            }
        }
    }

    /** Closes the session if this component is released when unused and nothing is using it. */
    synchronized void releaseIfUnused() {
        if (reopen != null && users == 0 && session != null) {
            closeSession();
        }
    }

    /** A claim on the session; closing it gives the session back. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /** Keeps the session open across several runs, until the returned handle is closed. */
    public Hold hold() {
        acquire();
        return this::release;
    }

    /** Whether the session is open now (a released component's is not, between uses). */
    public synchronized boolean isOpen() {
        return session != null;
    }

    /** The pack and role, as messages about this component name it: {@code packs/hallo: vae_decoder}. */
    public String name() {
        return name;
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
        OrtSession s = acquire();
        long t0 = System.nanoTime();
        long spent;
        try (OrtSession.Result r = s.run(inputs, Set.of(), outputs)) {
            // outputs were written in place
            assert r != null;
        } catch (OrtException e) {
            throw new PackException(name + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            spent = System.nanoTime() - t0;
            nanos.addAndGet(spent);
            runs.incrementAndGet();
            release();
        }
        return spent;
    }

    /** Runs the network and returns its first output as a float array (for small, per-render tensors). */
    public float[] runToArray(Map<String, OnnxTensor> inputs, String output) {
        OrtSession s = acquire();
        long t0 = System.nanoTime();
        try (OrtSession.Result r = s.run(inputs)) {
            OnnxValue v = r.get(output).orElseThrow(() ->
                    new PackException(name + ": output '" + output + "' was not produced"));
            FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
            float[] a = new float[b.remaining()];
            b.get(a);
            return a;
        } catch (OrtException e) {
            throw new PackException(name + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            nanos.addAndGet(System.nanoTime() - t0);
            runs.incrementAndGet();
            release();
        }
    }

    /** Total time spent inside {@code OrtSession.run}, in nanoseconds, since load. */
    public long nanosInRun() {
        return nanos.get();
    }

    public long runCount() {
        return runs.get();
    }

    /** The open session, for reading its inputs and outputs at load time. */
    synchronized OrtSession session() {
        return session;
    }

    /** Closes the session, if open, and forgets it. */
    private void closeSession() {
        OrtSession s = session;
        session = null;
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                throw new EmoException(name + ": failed to close session: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Refuses new runs; the session is freed now if nothing uses it, else when the last run or hold
     * ends.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (users == 0) {
            closeSession();
        }
    }
}
