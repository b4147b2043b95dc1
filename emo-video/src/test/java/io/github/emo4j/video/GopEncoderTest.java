package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Groups of pictures, and the slices of their pictures, encoded on several threads give the bytes one
 * thread gives, including a short last group, and the video decodes to the frames that went in.
 */
class GopEncoderTest {

    @TempDir
    Path dir;

    private static int[] frame(int w, int h, int t) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) (128 + 90 * Math.sin((x + 2 * t) / 9.0) * Math.cos((y - t) / 13.0));
                // blue ramps down the frame without wrapping: a 255-to-0 edge is smeared by 4:2:0 chroma
                px[y * w + x] = v << 16 | ((x * 255 / w) << 8) | (y * 180 / h + t * 3);
            }
        }
        return px;
    }

    private Path write(String name, EncodingOptions options, int frames, int w, int h) throws Exception {
        Path out = dir.resolve(name);
        float[] audio = new float[16000 * frames / 25];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.2 * Math.sin(i * 0.03));
        }
        try (Mp4Writer wr = new Mp4Writer(out, w, h, 25, 1, audio, 16000, options)) {
            for (int t = 0; t < frames; t++) {
                wr.accept(frame(w, h, t));
            }
            wr.finish();
        }
        return out;
    }

    /** 80 pixels high is one slice; 1040 (65 macroblock rows), four, coded on helper threads beside the GOPs'. */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"96, 80", "48, 1040"})
    void threadsDoNotChangeTheBytes(int w, int h) throws Exception {
        int frames = 23;
        // the finest quality, so that the decoded frames can be held to the input closely
        EncodingOptions base = EncodingOptions.DEFAULT.withKeyInterval(5).withQp(Mp4Writer.MIN_QP);
        byte[] one = Files.readAllBytes(write("one.mp4", base.withThreads(1), frames, w, h));
        byte[] three = Files.readAllBytes(write("three.mp4", base.withThreads(3), frames, w, h));
        assertArrayEquals(one, three, "3 encoding threads, same bytes as 1");

        Mp4Reader.Info info = Mp4Reader.probe(dir.resolve("three.mp4"));
        assertEquals(frames, info.videoFrames());
        int[] worst = {0};
        int[] count = {0};
        Mp4Reader.frames(dir.resolve("three.mp4"), (px, t) -> {
            int[] in = frame(w, h, t);
            for (int i = 0; i < px.length; i++) {
                for (int s = 0; s <= 16; s += 8) {
                    worst[0] = Math.max(worst[0], Math.abs((px[i] >> s & 0xFF) - (in[i] >> s & 0xFF)));
                }
            }
            count[0]++;
        });
        assertEquals(frames, count[0]);
        assertTrue(worst[0] <= 12, "largest decoded difference " + worst[0] + " levels");
    }

    @Test
    void picturesInFlightAreBoundedByMemory() throws Exception {
        // room for two pictures only: the producer must wait for the encoder and still lose nothing
        int w16 = 32, h16 = 32;
        try (GopEncoder enc = new GopEncoder(w16, h16, new org.jcodec.common.model.Rect(0, 0, 32, 32), 20, 4, 2,
                2L * w16 * h16 * 3 / 2)) {
            int packets = 0;
            for (int t = 0; t < 19; t++) {
                var p = enc.picture();
                java.util.Arrays.fill(p.getPlaneData(0), (byte) (t * 5 - 100));
                enc.submit(p);
                packets += enc.ready().size();
            }
            packets += enc.finish().size();
            assertEquals(19, packets);
        }
    }
}
