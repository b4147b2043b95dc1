package io.github.emo4j.sched;

/**
 * A model output that its reader asks for a chunk at a time, so that the caller can compute each chunk
 * as it is read (classifier-free guidance over the branches of a batched run) instead of writing the
 * whole output first and reading it again.
 */
@FunctionalInterface
public interface OutputChunks {
    /** Writes the output's values {@code from .. from + length − 1} into {@code into[0 .. length − 1]}. */
    void read(int from, float[] into, int length);
}
