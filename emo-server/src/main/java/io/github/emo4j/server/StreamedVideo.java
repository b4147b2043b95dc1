package io.github.emo4j.server;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.FragmentedMp4Writer;
import io.github.emo4j.video.FrameSink;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * A render's frames as a fragmented MP4 on disk, fragment by fragment with the voice of the same
 * time, so that the page can play it while the render goes on; joined, the fragments are the
 * downloadable MP4. A render that does not finish leaves no file.
 */
final class StreamedVideo implements FrameSink {
    /** Frames per fragment: half a second at 24 fps, EMO's clip. */
    static final int FRAGMENT_FRAMES = 12;

    private final RenderJob job;
    private final float[] voice;
    private final int rate;
    private final int fps;
    private final OutputStream file;
    private final FragmentedMp4Writer writer;
    private long frames;
    private boolean finished;

    StreamedVideo(RenderJob job, AudioClip voice, int width, int height, int fps, int qp) throws IOException {
        this.job = job;
        this.voice = voice.samples();
        this.rate = voice.sampleRate();
        this.fps = fps;
        OutputStream raw = Files.newOutputStream(job.video);
        long[] written = {0};
        // the writer flushes after each fragment: that is when the page may read on
        this.file = new BufferedOutputStream(new FilterOutputStream(raw) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written[0] += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                job.wrote(written[0]);
            }
        }, 1 << 16);
        this.writer = new FragmentedMp4Writer(file, width, height, fps, rate, FRAGMENT_FRAMES, qp);
    }

    @Override
    public void accept(int[] rgb) throws IOException {
        int from = (int) Math.min(voice.length, Math.round(frames * (double) rate / fps));
        int to = (int) Math.min(voice.length, Math.round((frames + 1) * (double) rate / fps));
        writer.accept(rgb, Arrays.copyOfRange(voice, from, to));
        frames++;
    }

    @Override
    public void finish() throws IOException {
        writer.finish();
        file.close();
        finished = true;
    }

    /** Frames written. */
    long frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        writer.close();
        if (!finished) {
            try {
                file.close();
            } finally {
                Files.deleteIfExists(job.video);
            }
        }
    }
}
