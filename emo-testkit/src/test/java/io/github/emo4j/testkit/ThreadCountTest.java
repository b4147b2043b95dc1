package io.github.emo4j.testkit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.FaceBox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A synthetic pack written as a folder and loaded through the public API, as a pack author would. */
class ThreadCountTest {

    @TempDir
    Path dir;

    @Test
    void theSeedGivesTheSameVideoWhateverTheThreadCount() throws Exception {
        Path pack = dir.resolve("pack");
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).writeTo(pack);
        RenderRequest request = RenderRequest.builder(TestInputs.portrait(160, 150), TestInputs.voice(0.68))
                .face(new FaceBox(50, 40, 60, 60)).steps(3).seed(11).build();
        byte[][] results = new byte[2][];
        int[] threads = {1, 2};
        for (int i = 0; i < 2; i++) {
            try (EmoPipeline emo = EmoPipeline.builder().pack(pack).threads(threads[i]).build()) {
                Path out = dir.resolve("t" + threads[i] + ".mp4");
                assertEquals(17, emo.render(request, out).frameCount());
                results[i] = Files.readAllBytes(out);
            }
        }
        assertArrayEquals(results[0], results[1]);
    }
}
