package io.github.emo4j.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * A render's video read while it is written: it gives what is on disk, waits for the next fragment,
 * and ends when the render does. A render that fails or is cancelled ends the stream early (its file
 * is gone), so a client sees a cut stream rather than a hang.
 */
final class GrowingVideo extends InputStream {
    /** Longest wait for the next fragment before checking again. */
    private static final long WAIT_MILLIS = 1_000;
    /** Longest silence before the stream gives up: a render that makes no fragment for this long has stalled. */
    private static final long GIVE_UP_MILLIS = 120_000;

    private final RenderJob job;
    private final Runnable onClose;
    private FileChannel channel;
    private long position;
    private boolean closed;

    GrowingVideo(RenderJob job, Runnable onClose) {
        this.job = job;
        this.onClose = onClose;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            return -1;
        }
        long silentSince = System.currentTimeMillis();
        while (true) {
            long available;
            try {
                available = job.awaitVideo(position, WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stopped while waiting for the video");
            }
            if (available < 0) {
                return -1;
            }
            if (available > position) {
                return readFile(b, off, (int) Math.min(len, available - position));
            }
            if (System.currentTimeMillis() - silentSince > GIVE_UP_MILLIS) {
                return -1;
            }
        }
    }

    private int readFile(byte[] b, int off, int len) throws IOException {
        if (channel == null) {
            try {
                channel = FileChannel.open(job.video, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return -1;
            }
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len), position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            onClose.run();
        }
    }
}
