package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames of a video made by ffmpeg's x264 with B-frames (its default: High profile, frames stored out of
 * the order they are shown) come back in the order they are shown, each its own grey level.
 */
class Mp4FramesTest {
    static final int FRAMES = 36;

    @TempDir
    Path dir;

    /** Frame k's luma is 20 + 6k; three B-frames between references. */
    private Path greyRamp() throws Exception {
        assumeTrue(Files.isExecutable(EncoderDecoderMatchTest.FFMPEG), "Debian's ffmpeg is not installed");
        Path out = dir.resolve("ramp.mp4");
        Process ff = new ProcessBuilder(EncoderDecoderMatchTest.FFMPEG.toString(), "-nostdin", "-v", "error", "-f", "lavfi",
                "-i", "color=c=black:s=64x64:r=25,format=yuv420p,geq=lum='20+6*N':cb=128:cr=128", "-frames:v",
                String.valueOf(FRAMES), "-c:v", "libx264", "-bf", "3", out.toString()).redirectErrorStream(true).start();
        String log = new String(ff.getInputStream().readAllBytes());
        assertTrue(ff.waitFor(60, TimeUnit.SECONDS) && ff.exitValue() == 0, log);
        return out;
    }

    @Test
    void framesWithBFramesComeBackInTheOrderTheyAreShown() throws Exception {
        Path video = greyRamp();
        try (Mp4Frames frames = Mp4Frames.open(video)) {
            assertEquals(FRAMES, frames.frameCount());
            assertEquals(25, frames.fps(), 0.01);
            int k = 0;
            for (int[] rgb = frames.next(); rgb != null; rgb = frames.next(), k++) {
                assertEquals(64 * 64, rgb.length);
                double red = Arrays.stream(rgb).map(p -> (p >> 16) & 0xff).average().orElseThrow();
                // BT.601 limited range: (Y − 16) · 255 / 219
                assertEquals((20 + 6 * k - 16) * 255.0 / 219, red, 2.0, "frame " + k);
            }
            assertEquals(FRAMES, k);
        }
    }

    @Test
    void aVideoCutShortIsRefusedByName() throws Exception {
        Path video = greyRamp();
        byte[] whole = Files.readAllBytes(video);
        Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(whole, whole.length * 2 / 3));
        int[] read = {0};
        IOException e = assertThrows(IOException.class, () -> {
            try (Mp4Frames frames = Mp4Frames.open(cut)) {
                while (frames.next() != null) {
                    read[0]++;
                }
            }
        });
        assertTrue(read[0] < FRAMES, read[0] + " frames read");
        assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
    }
}
