package io.github.emo4j.bench;

import io.github.emo4j.video.FrameSink;
import java.util.List;

/** A frame sink factory that keeps a render's frames, copied, for a benchmark to feed an encoder with afterwards. */
final class RenderedFrames {
    private RenderedFrames() {
    }

    /**
     * Keeps every frame in {@code frames}; {@code size} gets the width, the height and, when it has room,
     * the frame rate.
     */
    static FrameSink.Factory into(List<int[]> frames, int[] size) {
        return (w, h, fps) -> {
            size[0] = w;
            size[1] = h;
            if (size.length > 2) {
                size[2] = fps;
            }
            return new FrameSink() {
                @Override
                public void accept(int[] rgb) {
                    frames.add(rgb.clone());
                }

                @Override
                public void finish() {
                }

                @Override
                public void close() {
                }
            };
        };
    }
}
