package io.github.emo4j;

import io.github.emo4j.video.PartFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * A rendered talking-head video: an H.264 MP4 with the voice, held in a temporary file rather than in
 * memory. {@link #save(Path)} puts a copy where it should go.
 */
public final class Video {

    private final Path file;
    private final long frameCount;
    private final int fps;
    private final int width;
    private final int height;
    private final RenderStats stats;

    Video(Path file, long frameCount, int fps, int width, int height, RenderStats stats) {
        this.file = file;
        this.frameCount = frameCount;
        this.fps = fps;
        this.width = width;
        this.height = height;
        this.stats = stats;
    }

    /** Writes the MP4 to {@code target} (atomically: a partial file never appears there). */
    public void save(Path target) {
        try {
            Path abs = target.toAbsolutePath();
            Path dir = abs.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = PartFile.beside(abs);
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save video to " + target + ": " + e.getMessage(), e);
        }
    }

    /** The temporary MP4 behind this video; deleted when the JVM exits. */
    public Path file() {
        return file;
    }

    public long frameCount() {
        return frameCount;
    }

    public int fps() {
        return fps;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** frameCount / fps. */
    public Duration duration() {
        return Duration.ofNanos(Math.round(frameCount * 1e9 / fps));
    }

    /** Where the render's time went. */
    public RenderStats stats() {
        return stats;
    }
}
