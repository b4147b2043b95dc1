package io.github.emo4j.procedural;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The denoiser computes only inside {@link ProceduralFace#ANIMATED_BOX}, so the mask it is given must be zero outside it. */
class AnimatedBoxTest {

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {16, 48, 256, 1024})
    void theRegionMaskIsZeroOutsideTheAnimatedBox(int side) {
        float[] mask = FaceCrop.around(new FaceBox(10, 10, 50, 50), side).regionMask(side);
        float[] box = ProceduralFace.ANIMATED_BOX;
        int x0 = (int) Math.floor(box[0] * side), y0 = (int) Math.floor(box[1] * side);
        int x1 = (int) Math.ceil(box[2] * side), y1 = (int) Math.ceil(box[3] * side);
        int inside = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean in = x >= x0 && x < x1 && y >= y0 && y < y1;
                if (!in) {
                    assertEquals(0f, mask[y * side + x], "mask at " + x + "," + y);
                } else if (mask[y * side + x] > 0) {
                    inside++;
                }
            }
        }
        assertTrue(inside > side * side / 3, "the mask covers the box's middle");
    }
}
