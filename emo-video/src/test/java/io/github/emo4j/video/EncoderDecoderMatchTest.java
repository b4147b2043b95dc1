package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The skipping encoder's bits against an independent decoder (ffmpeg's): every decoded frame must equal
 * the encoder's own reconstruction exactly, or the reference pictures of encoder and decoder part ways
 * and the video drifts; with the picture cut into slices too, whose edges no prediction crosses. The frames hold what a talking head has: a still textured background, a region
 * that moves a few pixels (sway), one that appears and disappears (a mouth), noise, and still stretches.
 */
class EncoderDecoderMatchTest {

    static final int W = 112, H = 96;
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    @TempDir
    Path dir;

    /** Frame {@code t} as YUV 4:2:0 in JCodec's signed-byte layout. */
    static Picture frame(int t) {
        Picture p = Picture.create(W, H, ColorSpace.YUV420J);
        Random rnd = new Random(7);
        for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? W : W / 2, h = plane == 0 ? H : H / 2, s = plane == 0 ? 1 : 2;
            byte[] d = p.getPlaneData(plane);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = (int) (60 * Math.sin((x * s) / 5.0 + plane) * Math.cos((y * s) / 7.0)) + rnd.nextInt(9) - 4;
                    // the face: a textured disc swaying by up to 3 pixels, still in frames 6..8
                    int shift = t >= 6 && t <= 8 ? 0 : (int) Math.round(3 * Math.sin(t * 0.9));
                    int cx = (56 + shift) / s, cy = 48 / s, r = 24 / s;
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r) {
                        v = (int) (40 * Math.cos((x - shift / s) * s / 3.0) + 20 * Math.sin(y * s / 2.0));
                        // the mouth opens on odd frames: a dark patch
                        if (t % 2 == 1 && Math.abs(x - cx) < 8 / s && y > cy + 4 / s && y < cy + 12 / s) {
                            v = -110;
                        }
                    }
                    d[y * w + x] = (byte) Math.max(-128, Math.min(127, v));
                }
            }
        }
        return p;
    }

    @ParameterizedTest(name = "quality {0}, key frames at {1}, {2} slices")
    @CsvSource({"26, 13, 1", "10, 10, 2", "29, 15, 3", "24, 11, 2", "26, 13, 6"})
    void ffmpegDecodesEveryFrameAsTheEncoderReconstructedIt(int qp, int keyQp, int slices) throws Exception {
        assumeTrue(Files.isExecutable(FFMPEG), "Debian's ffmpeg is not installed");
        assertEquals(keyQp, Mp4Writer.macroblockQp(qp, true), "the key frames' quantiser for quality " + qp);
        // slices coded on two helper threads beside the caller, as a GOP's worker codes them
        ExecutorService helper = Executors.newFixedThreadPool(2);
        try {
            check(qp, new SkippingH264Encoder(7, 0, (x, y, key) -> Mp4Writer.macroblockQp(qp, key), helper, slices), slices);
        } finally {
            helper.shutdownNow();
        }
    }

    private void check(int qp, SkippingH264Encoder enc, int slices) throws Exception {
        Path stream = dir.resolve("s.h264"), decoded = dir.resolve("s.yuv");
        int frames = 16, planeBytes = W * H * 3 / 2;
        byte[] recon = new byte[frames * planeBytes];
        try (OutputStream es = Files.newOutputStream(stream)) {
            ByteBuffer out = ByteBuffer.allocate(W * H * 4);
            for (int t = 0; t < frames; t++) {
                out.clear();
                assertEquals(t % 7 == 0, enc.encode(frame(t), out), "key frame " + t);
                out.flip();
                es.write(out.array(), 0, out.limit());
                Picture r = enc.reconstruction();
                int at = t * planeBytes;
                for (int p = 0; p < 3; p++) {
                    int w = p == 0 ? W : W / 2, h = p == 0 ? H : H / 2;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            recon[at++] = (byte) (r.getPlaneData(p)[y * r.getPlaneWidth(p) + x] + 128);
                        }
                    }
                }
            }
        }
        Process ff = new ProcessBuilder(FFMPEG.toString(), "-nostdin", "-v", "warning", "-i", stream.toString(),
                "-f", "rawvideo", "-pix_fmt", "yuv420p", decoded.toString()).redirectErrorStream(true).start();
        String log = new String(ff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ff.waitFor(), log);
        assertEquals("", log.strip(), "ffmpeg decodes without a warning");
        byte[] got = Files.readAllBytes(decoded);
        assertEquals(recon.length, got.length, "frames decoded");
        for (int i = 0; i < recon.length; i++) {
            if (recon[i] != got[i]) {
                int t = i / planeBytes, o = i % planeBytes;
                fail("frame " + t + (o < W * H ? " luma " : " chroma ") + "byte " + o + ": encoder " + (recon[i] & 0xFF)
                        + ", ffmpeg " + (got[i] & 0xFF));
            }
        }
        assertEquals(slices, enc.sliceCount(), "slices a picture");
        long[] counts = enc.skipCounts();
        assertTrue(counts[0] > 0, "the still background is skipped: " + counts[0]);
        assertTrue(counts[1] > 0, "the face is coded: " + counts[1]);
    }
}
