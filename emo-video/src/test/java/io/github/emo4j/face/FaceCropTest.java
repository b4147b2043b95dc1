package io.github.emo4j.face;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Masks placed by a detector's keypoints, and by the face box where there are none. */
class FaceCropTest {
    // the astronaut of the sample portrait, as BlazeFace sees her
    private static final DetectedFace ASTRONAUT = new DetectedFace(new FaceBox(175, 75, 101, 101), 0.92, List.of(
            new DetectedFace.Point(204.2, 101.6), new DetectedFace.Point(247.7, 105.0), new DetectedFace.Point(224.0, 127.9),
            new DetectedFace.Point(222.5, 148.3), new DetectedFace.Point(180.2, 109.3), new DetectedFace.Point(270.3, 116.3)));

    private static double[] centroid(float[] mask, int side) {
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double w = mask[y * side + x];
                sum += w;
                sx += w * (x + 0.5);
                sy += w * (y + 0.5);
            }
        }
        return new double[] {sx / sum, sy / sum};
    }

    @Test
    void theLipMaskSitsOnTheMouthKeypoint() {
        FaceCrop crop = FaceCrop.around(ASTRONAUT, 64);
        double[] c = centroid(crop.lipMask(64), 64);
        double[] uv = crop.toCrop(222.5, 148.3);
        double mx = uv[0] * 64, my = uv[1] * 64;
        assertEquals(mx, c[0], 0.5);
        assertEquals(my, c[1], 0.5);
    }

    @Test
    void theFaceMaskCoversEveryKeypointAndNotTheCorners() {
        FaceCrop crop = FaceCrop.around(ASTRONAUT, 64);
        float[] m = crop.faceMask(64);
        for (DetectedFace.Point p : ASTRONAUT.keypoints()) {
            double[] uv = crop.toCrop(p.x(), p.y());
            int x = (int) (uv[0] * 64), y = (int) (uv[1] * 64);
            assertEquals(1.0, m[y * 64 + x], 1e-6, "at " + p);
        }
        assertEquals(0.0, m[0], 1e-6);
        assertEquals(0.0, m[64 * 64 - 1], 1e-6);
    }

    @Test
    void withoutKeypointsTheMasksFollowTheBox() {
        FaceCrop plain = FaceCrop.around(ASTRONAUT.box(), 64);
        FaceCrop same = new FaceCrop(plain.face(), plain.x0(), plain.y0(), plain.side(), 64, List.of(), 0);
        assertArrayEquals(plain.lipMask(64), same.lipMask(64));
        double[] c = centroid(plain.lipMask(64), 64);
        assertEquals(FaceCrop.MOUTH_X * 64, c[0], 0.5);
        assertEquals(FaceCrop.MOUTH_Y * 64, c[1], 0.5);
        assertThrows(IllegalArgumentException.class,
                () -> new FaceCrop(plain.face(), 0, 0, 10, 64, List.of(new DetectedFace.Point(1, 1)), 0));
    }

    @Test
    void aTiltedFaceGetsATurnedCropWithItsEyesLevel() {
        double tilt = Math.toRadians(20), c = Math.cos(tilt), sn = Math.sin(tilt);
        List<DetectedFace.Point> turned = new java.util.ArrayList<>();
        for (DetectedFace.Point p : ASTRONAUT.keypoints()) {
            double dx = p.x() - 226, dy = p.y() - 126;
            turned.add(new DetectedFace.Point(226 + dx * c - dy * sn, 126 + dx * sn + dy * c));
        }
        FaceCrop crop = FaceCrop.around(new DetectedFace(ASTRONAUT.box(), 0.9, turned), 64);
        assertEquals(tilt + FaceCrop.around(ASTRONAUT, 64).angle(), crop.angle(), 1e-9);
        double[] right = crop.toCrop(turned.get(0).x(), turned.get(0).y());
        double[] left = crop.toCrop(turned.get(1).x(), turned.get(1).y());
        assertEquals(right[1], left[1], 1e-9, "eyes level in the crop");
        assertEquals(FaceCrop.EYE_Y, right[1], 0.02);
        double[] back = crop.toCrop(crop.toPortrait(0.3, 0.7).x(), crop.toPortrait(0.3, 0.7).y());
        assertEquals(0.3, back[0], 1e-12);
        assertEquals(0.7, back[1], 1e-12);
    }
}
