package io.github.emo4j.video;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fragmented stream, read by ffmpeg (Debian's, which CI installs): its boxes in CMAF's order, and
 * joined, an MP4 that ffprobe and ffmpeg read without a warning, with every frame and the voice.
 */
class FragmentedMp4WriterTest {
    @TempDir
    Path dir;

    /** 2 s at 25 fps, fragments of 4 frames, a moving square and a 440 Hz voice at 16 kHz. */
    static byte[] stream() throws Exception {
        return stream(4);
    }

    /** The same with a first fragment of {@code first} frames. */
    static byte[] stream(int first) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FragmentedMp4Writer w = new FragmentedMp4Writer(out, 96, 64, 25, 16000, first, 4, Mp4Writer.DEFAULT_QP)) {
            for (int k = 0; k < 50; k++) {
                int[] rgb = new int[96 * 64];
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 96; x++) {
                        boolean square = x >= k && x < k + 20 && y >= 20 && y < 40;
                        rgb[y * 96 + x] = square ? 0xE03020 : 0x3050A0;
                    }
                }
                float[] voice = new float[640];
                for (int i = 0; i < 640; i++) {
                    voice[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * (k * 640 + i) / 16000.0));
                }
                w.accept(rgb, voice);
            }
            w.finish();
        }
        return out.toByteArray();
    }

    /** The top-level boxes' types, in order. */
    static List<String> topLevel(byte[] b) {
        List<String> types = new ArrayList<>();
        for (int at = 0; at + 8 <= b.length; ) {
            int size = (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
            types.add(new String(b, at + 4, 4, StandardCharsets.US_ASCII));
            assertTrue(size >= 8, "box size " + size + " at " + at);
            at += size;
        }
        return types;
    }

    @Test
    void anInitSegmentThenOneFragmentPerGroupOfPictures() throws Exception {
        List<String> boxes = topLevel(stream());
        assertEquals(List.of("ftyp", "moov"), boxes.subList(0, 2));
        List<String> rest = boxes.subList(2, boxes.size());
        assertEquals(2 * 13, rest.size(), "50 frames in fragments of 4: 13 moof+mdat pairs");
        for (int i = 0; i < rest.size(); i += 2) {
            assertEquals("moof", rest.get(i));
            assertEquals("mdat", rest.get(i + 1));
        }
    }

    @Test
    void joinedItIsAnMp4ThatFfmpegReadsWithoutAWarning() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "Debian's ffmpeg is not installed");
        Path f = dir.resolve("live.mp4");
        Files.write(f, stream());
        String probe = run("ffprobe", "-v", "warning", "-count_frames", "-show_entries",
                "stream=codec_name,nb_read_frames,width,height,sample_rate", "-of", "csv=p=0", f.toString());
        assertTrue(probe.contains("h264,96,64,50"), probe);
        assertTrue(probe.contains("aac,48000"), probe);
        assertFalse(probe.toLowerCase().contains("warning") || probe.contains("rror"), probe);
        String decode = run("ffmpeg", "-v", "warning", "-i", f.toString(), "-f", "null", "-");
        assertEquals("", decode.strip(), "ffmpeg's warnings: " + decode);
        String duration = run("ffprobe", "-v", "error", "-show_entries", "stream=duration", "-of", "csv=p=0", f.toString());
        for (String line : duration.strip().split("\n")) {
            assertEquals(2.0, Double.parseDouble(line.strip()), 0.05, "stream durations: " + duration);
        }
    }

    @Test
    void aShorterFirstFragmentKeepsKeyFramesOnFragmentStartsAndPlaysWithoutAWarning() throws Exception {
        List<String> boxes = topLevel(stream(1));
        assertEquals(2 * 14, boxes.size() - 2, "1 frame, then 49 in fragments of 4: 14 moof+mdat pairs");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "Debian's ffmpeg is not installed");
        Path f = dir.resolve("first.mp4");
        Files.write(f, stream(1));
        String decode = run("ffmpeg", "-v", "warning", "-i", f.toString(), "-f", "null", "-");
        assertEquals("", decode.strip(), "ffmpeg's warnings: " + decode);
        String keys = run("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "frame=key_frame",
                "-of", "csv=p=0", f.toString());
        List<Integer> keyFrames = new ArrayList<>();
        String[] lines = keys.strip().split("\n");
        assertEquals(50, lines.length, keys);
        for (int k = 0; k < lines.length; k++) {
            if (lines[k].strip().startsWith("1")) {
                keyFrames.add(k);
            }
        }
        // key frames every 52 frames, moved 3 earlier to stay on fragment starts (1 + 4n)
        assertEquals(List.of(0, 49), keyFrames);
    }

    /** 544 pixels high is two slices, coded on a helper thread where there are two cores: ffmpeg reads them back. */
    @Test
    void aPictureOfTwoSlicesDecodesToWhatWentIn() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "Debian's ffmpeg is not installed");
        assertEquals(2, SkippingH264Encoder.slicesFor(544 / 16));
        int w = 64, h = 544, frames = 12;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FragmentedMp4Writer wr = new FragmentedMp4Writer(out, w, h, 25, 16000, 4, 4, Mp4Writer.MIN_QP)) {
            for (int k = 0; k < frames; k++) {
                wr.accept(tall(w, h, k), new float[640]);
            }
            wr.finish();
        }
        Path f = dir.resolve("tall.mp4"), raw = dir.resolve("tall.rgb");
        Files.write(f, out.toByteArray());
        String decode = run("ffmpeg", "-v", "warning", "-i", f.toString(), "-f", "rawvideo", "-pix_fmt", "rgb24", raw.toString());
        assertEquals("", decode.strip(), "ffmpeg's warnings: " + decode);
        byte[] got = Files.readAllBytes(raw);
        assertEquals(frames * w * h * 3, got.length, "frames decoded");
        int worst = 0;
        for (int k = 0; k < frames; k++) {
            int[] in = tall(w, h, k);
            for (int i = 0; i < w * h; i++) {
                for (int c = 0; c < 3; c++) {
                    int want = in[i] >> (16 - 8 * c) & 0xFF, have = got[(k * w * h + i) * 3 + c] & 0xFF;
                    worst = Math.max(worst, Math.abs(want - have));
                }
            }
        }
        // the slices' edge (row 272) is where a prediction error would show: a whole picture of drift
        assertTrue(worst <= 12, "largest decoded difference " + worst + " levels");
    }

    /** A smooth pattern that drifts down a pixel a frame, so both slices change and move. */
    private static int[] tall(int w, int h, int k) {
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) (128 + 80 * Math.sin((y - k) / 11.0) * Math.cos(x / 9.0));
                rgb[y * w + x] = v << 16 | (255 - v) << 8 | (y * 200 / h);
            }
        }
        return rgb;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }
}
