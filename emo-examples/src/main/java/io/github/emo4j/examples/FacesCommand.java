package io.github.emo4j.examples;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.face.DetectedFace;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emo faces}: the faces a render would see, as JSON, and optionally drawn over the portrait. */
@Command(name = "faces", sortOptions = false,
        description = "The faces a render would see, as JSON (the one it uses first).")
final class FacesCommand extends EmoCommand {
    @Option(names = "--portrait", required = true, paramLabel = "IMG", description = "the portrait")
    Path file;

    @Option(names = "--annotate", paramLabel = "OUT.png", description = "also draw the faces over the portrait, to OUT.png")
    Path annotate;

    @Mixin
    PipelineOptions pipeline;

    FacesCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws IOException {
        if (annotate != null) {
            Inputs.refuseOverwrite("annotate", annotate, "portrait", file.toString());
            if (!annotate.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new InvalidInputException(annotate + ": --annotate writes a .png file");
            }
        }
        BufferedImage portrait = EmoPipeline.readPortrait(file);
        List<DetectedFace> faces;
        try (EmoPipeline emo = pipeline.builder(console.err()).build()) {
            faces = emo.faces(portrait);
        }
        console.out().println(DetectedFace.json(portrait.getWidth(), portrait.getHeight(), faces));
        if (annotate != null) {
            draw(portrait, faces, annotate);
        }
        return 0;
    }

    /** The portrait with each face's box (the used one thicker) and keypoints, written atomically. */
    private static void draw(BufferedImage portrait, List<DetectedFace> faces, Path out) throws IOException {
        BufferedImage img = new BufferedImage(portrait.getWidth(), portrait.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.drawImage(portrait, 0, 0, null);
        float stroke = Math.max(2, Math.max(img.getWidth(), img.getHeight()) / 300f);
        for (int i = faces.size() - 1; i >= 0; i--) {
            DetectedFace f = faces.get(i);
            g.setColor(i == 0 ? new Color(0, 230, 90) : new Color(255, 190, 0));
            g.setStroke(new BasicStroke(i == 0 ? 2 * stroke : stroke));
            g.drawRect(f.box().x(), f.box().y(), f.box().width(), f.box().height());
            int r = Math.round(2 * stroke);
            for (DetectedFace.Point p : f.keypoints()) {
                g.fillOval((int) Math.round(p.x()) - r, (int) Math.round(p.y()) - r, 2 * r, 2 * r);
            }
        }
        g.dispose();
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path part = PartFiles.beside(abs);
        try {
            ImageIO.write(img, "png", part.toFile());
            Files.move(part, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            PartFiles.delete(part);
        }
    }
}
