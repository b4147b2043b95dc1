package io.github.emo4j.video;

import io.github.emo4j.video.files.PartFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Writes frames as {@code frame-000001.png, frame-000002.png, ...} into a folder that appears only
 * when {@link #finish()} succeeds: frames go to a hidden sibling folder first, which is then renamed.
 * For editing pipelines that want lossless frames.
 */
public final class PngSequenceSink implements FrameSink {
    private final Path target;
    private final Path work;
    private final int width;
    private final int height;
    private final BufferedImage image;
    private long index;
    private boolean finished;

    /**
     * A sink that writes {@code frame-000001.png}, ... into a folder that appears complete on
     * {@link #finish()}.
     *
     * @param folder the folder to create
     * @param width  frame width
     * @param height frame height
     * @throws IOException if the work folder cannot be created
     */
    public PngSequenceSink(Path folder, int width, int height) throws IOException {
        this.target = folder.toAbsolutePath();
        if (Files.exists(target)) {
            throw new IOException(folder + ": already exists");
        }
        this.work = PartFile.beside(target);
        Files.delete(work);
        Files.createDirectory(work);
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    @Override
    public void accept(int[] rgb) throws IOException {
        image.setRGB(0, 0, width, height, rgb, 0, width);
        ImageIO.write(image, "png", work.resolve(String.format("frame-%06d.png", ++index)).toFile());
    }

    @Override
    public void finish() throws IOException {
        Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        finished = true;
    }

    @Override
    public void close() throws IOException {
        if (!finished && Files.exists(work)) {
            try (var files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
    }
}
