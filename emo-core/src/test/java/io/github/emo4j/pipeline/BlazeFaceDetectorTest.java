package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceBox;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** BlazeFace on a real portrait, turned, shrunk into a large photo, doubled, and on photos without a face. */
class BlazeFaceDetectorTest {
    /** The astronaut's face in the sample portrait, as seen by eye: box, eyes and mouth. */
    private static final FaceBox ASTRONAUT = new FaceBox(176, 76, 100, 100);
    private static final double MOUTH_X = 222, MOUTH_Y = 148;

    private static BlazeFaceDetector detector;
    private static BufferedImage astronaut;

    @BeforeAll
    static void load() throws Exception {
        detector = new BlazeFaceDetector();
        astronaut = rgb(ImageIO.read(Path.of("../samples/portrait-astronaut.png").toFile()));
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    private static BufferedImage rgb(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(90, 110, 80));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    /** Draws the astronaut scaled by {@code s} with her top-left corner at (x, y). */
    private static void paste(BufferedImage into, double s, int x, int y) {
        Graphics2D g = into.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(astronaut, new AffineTransform(s, 0, 0, s, x, y), null);
        g.dispose();
    }

    private static double distance(DetectedFace.Point p, double x, double y) {
        return Math.hypot(p.x() - x, p.y() - y);
    }

    @Test
    void findsTheAstronautWithHerKeypoints() {
        List<DetectedFace> faces = detector.detectAll(astronaut);
        assertEquals(1, faces.size(), "faces: " + faces);
        DetectedFace f = faces.get(0);
        assertTrue(f.box().iou(ASTRONAUT) > 0.8, "box " + f.box());
        assertTrue(f.score() >= BlazeFaceDetector.MIN_SCORE, "score " + f.score());
        assertTrue(distance(f.keypoints().get(3), MOUTH_X, MOUTH_Y) < 6, "mouth at " + f.keypoints().get(3));
        assertTrue(f.keypoints().get(0).x() < f.keypoints().get(1).x(), "her right eye is on the image's left");
    }

    @ParameterizedTest(name = "turned by {0}°")
    @ValueSource(ints = {-30, -15, 15, 30})
    void findsAFaceTurnedByUpToThirtyDegrees(int degrees) {
        BufferedImage turned = canvas(512, 512);
        Graphics2D g = turned.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.rotate(Math.toRadians(degrees), 226, 126);
        g.drawImage(astronaut, 0, 0, null);
        g.dispose();
        DetectedFace f = detector.detectAll(turned).get(0);
        double cx = f.box().centerX(), cy = f.box().centerY();
        assertTrue(Math.hypot(cx - 226, cy - 126) < 15, "centre " + cx + "," + cy);
    }

    @ParameterizedTest(name = "{0} px wide in 1600x1200")
    @ValueSource(ints = {33, 60, 240})
    void findsAFaceOfAnySizeInALargePhoto(int facePixels) {
        BufferedImage photo = canvas(1600, 1200);
        double s = facePixels / 100.0;
        paste(photo, s, 1000 - (int) (226 * s), 700 - (int) (126 * s));
        List<DetectedFace> faces = detector.detectAll(photo);
        assertFalse(faces.isEmpty(), "no face found");
        DetectedFace f = faces.get(0);
        assertTrue(Math.hypot(f.box().centerX() - 1000, f.box().centerY() - 700) < Math.max(6, facePixels * 0.15),
                "found " + f.box() + " for a face centred at 1000,700");
        assertEquals(facePixels, f.box().width(), facePixels * 0.25);
    }

    @Test
    void severalFacesComeLargestFirst() {
        BufferedImage photo = canvas(1200, 600);
        paste(photo, 0.5, 50, 100);
        paste(photo, 1.0, 600, 40);
        List<DetectedFace> faces = detector.detectAll(photo);
        assertEquals(2, faces.size(), "faces: " + faces);
        assertTrue(faces.get(0).area() > 3 * faces.get(1).area());
        assertTrue(faces.get(0).box().x() > 600);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chelsea.png", "coffee.png", "rocket.jpg", "horse.png"})
    void findsNoFaceWhereThereIsNone(String photo) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/faces/" + photo)) {
            List<DetectedFace> faces = detector.detectAll(rgb(ImageIO.read(in)));
            assertEquals(List.of(), faces, photo);
        }
    }

    @Test
    void findsTheFaceBehindTheCamera() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/faces/camera.png")) {
            List<DetectedFace> faces = detector.detectAll(rgb(ImageIO.read(in)));
            assertFalse(faces.isEmpty(), "the photographer's face");
        }
    }
}
