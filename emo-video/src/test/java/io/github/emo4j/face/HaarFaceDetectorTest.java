package io.github.emo4j.face;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HaarFaceDetectorTest {

    /** The sample portrait's face, marked by eye: hairline to chin, ear to ear. */
    static final FaceBox SAMPLE_FACE = new FaceBox(178, 68, 92, 112);

    @Test
    void findsTheSamplePortraitsFace() throws Exception {
        BufferedImage img = ImageIO.read(Path.of("../samples/portrait-astronaut.png").toFile());
        FaceBox found = HaarFaceDetector.frontalFace().detect(img).orElseThrow();
        assertTrue(found.iou(SAMPLE_FACE) >= 0.5, "found " + found + ", IoU " + found.iou(SAMPLE_FACE));
    }

    @Test
    void findsNoFaceWhereThereIsNone() {
        BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random(5);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 400; x++) {
                int g = (x * 255 / 400 + rnd.nextInt(9)) & 0xFF;
                img.setRGB(x, y, g << 16 | (y * 255 / 300) << 8 | 90);
            }
        }
        assertTrue(HaarFaceDetector.frontalFace().detect(img).isEmpty());
    }

    @Test
    void refusesAMalformedCascade() {
        var in = new java.io.ByteArrayInputStream("<opencv_storage><cascade></cascade></opencv_storage>".getBytes());
        var e = assertThrows(java.io.IOException.class, () -> HaarFaceDetector.fromCascade(in, "bad.xml"));
        assertTrue(e.getMessage().startsWith("bad.xml"), e.getMessage());
    }

    @Test
    void parsesFaceBoxes() {
        assertEquals(new FaceBox(1, 2, 30, 40), FaceBox.parse(" 1, 2,30 ,40"));
        assertThrows(IllegalArgumentException.class, () -> FaceBox.parse("1,2,3"));
        assertThrows(IllegalArgumentException.class, () -> FaceBox.parse("1,2,0,4"));
    }
}
