package io.github.emo4j.spark;

import java.io.Serializable;

/**
 * One render task: a whole job, or segment {@code segment} of {@code segments} of a long voice. A segment
 * renders frames {@code [first, end)} of the whole video (its margins included) and keeps
 * {@code [keepFrom, keepTo)}; neighbours share {@code BatchOptions.joinFrames} kept frames.
 */
record WorkUnit(Job job, int segment, int segments, long totalFrames, int fps, long first, long end,
                long keepFrom, long keepTo, String output) implements Serializable {

    static WorkUnit whole(Job job) {
        return new WorkUnit(job, 0, 1, -1, 0, 0, -1, 0, -1, job.output());
    }

    boolean isSegment() {
        return segments > 1;
    }

    long frames() {
        return end - first;
    }
}
