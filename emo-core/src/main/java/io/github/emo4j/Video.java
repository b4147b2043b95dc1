package io.github.emo4j;

import io.github.emo4j.video.files.PartFile;
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

    /**
     * Writes the MP4 to {@code target} (atomically: a partial file never appears there).
     *
     * @param target where to write; its folder is created if needed
     * @throws java.io.UncheckedIOException if it cannot be written
     */
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

    /**
     * The file behind this video: the output path, or for {@link EmoPipeline#render(RenderRequest)} a
     * temporary file deleted when the JVM exits.
     *
     * @return the MP4 file
     */
    public Path file() {
        return file;
    }

    /**
     * Frames in the video.
     *
     * @return the frame count
     */
    public long frameCount() {
        return frameCount;
    }

    /**
     * Frames per second.
     *
     * @return the frame rate
     */
    public int fps() {
        return fps;
    }

    /**
     * Width of the video: the portrait's.
     *
     * @return pixels
     */
    public int width() {
        return width;
    }

    /**
     * Height of the video: the portrait's.
     *
     * @return pixels
     */
    public int height() {
        return height;
    }

    /**
     * How long the video plays: frame count / fps.
     *
     * @return the duration
     */
    public Duration duration() {
        return Duration.ofNanos(Math.round(frameCount * 1e9 / fps));
    }

    /**
     * Where the render's time went.
     *
     * @return the render's statistics
     */
    public RenderStats stats() {
        return stats;
    }
}
