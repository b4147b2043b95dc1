package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a progress listener hears: each change of state once, fractions that never fall, 100% once, at the end. */
class ProgressTest {

    @TempDir
    Path dir;

    @Test
    void everyStateOnceAndOneHundredPercentExactlyOnce() {
        float[] voice = new float[16000];
        for (int i = 0; i < voice.length; i++) {
            voice[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        List<Progress> heard = Collections.synchronizedList(new ArrayList<>());
        try (EmoPipeline emo = EmoPipeline.builder().build()) {
            emo.render(RenderRequest.builder(new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB), new AudioClip(voice, 16000))
                    .face(new FaceBox(32, 32, 64, 64)).steps(2).progress(heard::add).build(), dir.resolve("p.mp4"));
        }
        assertEquals(Progress.Stage.PREPARE, heard.get(0).stage());
        assertEquals(Progress.Stage.DONE, heard.get(heard.size() - 1).stage());
        int clips = heard.get(0).clips();
        assertEquals(1 + clips * 2 + 1 + 1, heard.size(), "prepare, every step of every clip, encode, done");
        assertEquals(1, heard.stream().filter(p -> p.fraction() == 1.0).count(), "100% exactly once");
        for (int i = 1; i < heard.size(); i++) {
            assertTrue(heard.get(i).fraction() >= heard.get(i - 1).fraction(), "never falls: " + heard);
            assertNotEquals(heard.get(i - 1), heard.get(i), "each event is a change of state");
        }
    }
}
