package io.github.emo4j.video;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every frame in memory, for tests and short clips; the frames are visible once finished. */
public final class MemorySink implements FrameSink {
    private final List<int[]> pending = new ArrayList<>();
    private List<int[]> frames = List.of();

    @Override
    public void accept(int[] rgb) {
        pending.add(rgb.clone());
    }

    @Override
    public void finish() {
        frames = Collections.unmodifiableList(new ArrayList<>(pending));
    }

    /**
     * The frames, once {@link #finish()} has been called.
     *
     * @return the frames in order; empty before {@code finish}
     */
    public List<int[]> frames() {
        return frames;
    }

    @Override
    public void close() {
        pending.clear();
    }
}
