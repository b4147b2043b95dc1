package io.github.emo4j.video;

import io.github.emo4j.video.image.Portraits;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4RoundTripTest {

    @TempDir
    Path dir;

    @Test
    void greyRampsAndColourBarsComeBackWithinThreeLevels() throws Exception {
        int w = 256, h = 64;
        int[] frame = new int[w * h];
        int[][] bars = {{255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0}, {255, 0, 255}, {255, 0, 0}, {0, 0, 255}, {0, 0, 0}};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y < h / 2) {
                    frame[y * w + x] = x << 16 | x << 8 | x; // grey ramp 0..255
                } else {
                    int[] c = bars[x / 32];
                    frame[y * w + x] = c[0] << 16 | c[1] << 8 | c[2];
                }
            }
        }
        Path out = dir.resolve("ramp.mp4");
        // at the finest quality; the default's key frames are 3 steps coarser
        try (Mp4Writer wr = new Mp4Writer(out, w, h, 25, 1, null, 0, EncodingOptions.DEFAULT.withQp(Mp4Writer.MIN_QP))) {
            for (int i = 0; i < 3; i++) {
                wr.accept(frame);
            }
            wr.finish();
        }
        int[] worst = new int[1];
        Mp4Reader.frames(out, (rgb, idx) -> {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // skip the 4 pixels either side of a bar edge: the chroma blocks (4x4 at 4:2:0)
                    // that touch a saturated colour step ring under quantisation; flat areas must not
                    if (y >= h / 2 && (x % 32 < 4 || x % 32 > 27)) {
                        continue;
                    }
                    int a = frame[y * w + x], b = rgb[y * w + x];
                    for (int s = 0; s < 24; s += 8) {
                        worst[0] = Math.max(worst[0], Math.abs((a >> s & 0xFF) - (b >> s & 0xFF)));
                    }
                }
            }
        });
        assertTrue(worst[0] <= 3, "worst channel error " + worst[0]);
    }

    @Test
    void theSamplePortraitSurvivesEncodingAbove38Db() throws Exception {
        java.awt.image.BufferedImage img = Portraits.read(Path.of("../samples/portrait-astronaut.png"));
        int w = img.getWidth(), h = img.getHeight();
        int[] frame = img.getRGB(0, 0, w, h, null, 0, w);
        Path out = dir.resolve("portrait.mp4");
        try (Mp4Writer wr = new Mp4Writer(out, w, h, 25, 1, null, 0)) {
            for (int i = 0; i < 5; i++) {
                wr.accept(frame);
            }
            wr.finish();
        }
        double[] worst = {Double.MAX_VALUE};
        Mp4Reader.frames(out, (rgb, idx) -> {
            double se = 0;
            for (int i = 0; i < rgb.length; i++) {
                for (int s = 0; s < 24; s += 8) {
                    int d = (frame[i] >> s & 0xFF) - (rgb[i] >> s & 0xFF);
                    se += d * d;
                }
            }
            double psnr = 10 * Math.log10(255.0 * 255 / (se / (3.0 * rgb.length)));
            worst[0] = Math.min(worst[0], psnr);
        });
        System.out.println("sample portrait through H.264 at the default quality: PSNR " + worst[0] + " dB");
        assertTrue(worst[0] >= 38, "PSNR " + worst[0]);
    }

    @Test
    void carriesFrameCountRateAndAudio() throws Exception {
        Path out = dir.resolve("av.mp4");
        float[] audio = new float[16000 * 2];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) Math.sin(i * 0.05) * 0.3f;
        }
        int[] frame = new int[64 * 48];
        try (Mp4Writer wr = new Mp4Writer(out, 64, 48, 25, 1, audio, 16000)) {
            for (int i = 0; i < 50; i++) {
                java.util.Arrays.fill(frame, i * 5 << 8);
                wr.accept(frame);
            }
            wr.finish();
        }
        Mp4Reader.Info info = Mp4Reader.probe(out);
        assertEquals(50, info.videoFrames());
        assertEquals(25.0, info.fps(), 1e-6);
        // AAC is stored in whole frames of 1024 samples at 48 kHz
        assertEquals(2.0, info.audioSeconds(), 1024 / 48000.0 + 1e-6);
        assertEquals("aac", info.audioCodec());
        assertEquals(64, info.width());
    }

    @Test
    void theAacTrackDecodesCloseToTheInput() throws Exception {
        int rate = 48000;
        float[] voice = new float[rate * 3];
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < voice.length; i++) {
            double t = i / (double) rate;
            double env = Math.max(0, Math.sin(2 * Math.PI * 2.2 * t));
            voice[i] = (float) (env * (0.3 * Math.sin(2 * Math.PI * 170 * t) + 0.12 * Math.sin(2 * Math.PI * 1300 * t)
                    + 0.02 * rnd.nextGaussian()));
        }
        Path out = dir.resolve("voice.mp4");
        try (Mp4Writer wr = new Mp4Writer(out, 32, 32, 25, 1, voice, rate)) {
            for (int i = 0; i < 75; i++) {
                wr.accept(new int[32 * 32]);
            }
            wr.finish();
        }
        float[] back = io.github.emo4j.audio.AudioFiles.read(out).samples();
        double s = 0, e = 0;
        for (int i = 2048; i < voice.length - 2048; i++) {
            s += voice[i] * voice[i];
            e += (voice[i] - back[i]) * (voice[i] - back[i]);
        }
        double snr = 10 * Math.log10(s / e);
        System.out.println("AAC track: SNR " + snr + " dB against the input, sample-aligned");
        assertTrue(snr >= 30, "SNR " + snr);
    }

    @Test
    void pngSequenceAndMemorySinksCommitOnlyWhenFinished() throws Exception {
        int[] frame = new int[16 * 8];
        java.util.Arrays.fill(frame, 0x336699);
        Path seq = dir.resolve("frames");
        try (PngSequenceSink s = new PngSequenceSink(seq, 16, 8)) {
            s.accept(frame);
            s.accept(frame);
            assertFalse(Files.exists(seq));
            s.finish();
        }
        try (var files = Files.list(seq)) {
            assertEquals(2, files.count());
        }
        assertEquals(0x336699, javax.imageio.ImageIO.read(seq.resolve("frame-000002.png").toFile()).getRGB(3, 3) & 0xFFFFFF);
        Path abandoned = dir.resolve("abandoned");
        try (PngSequenceSink s = new PngSequenceSink(abandoned, 16, 8)) {
            s.accept(frame);
        }
        assertFalse(Files.exists(abandoned));
        MemorySink m = new MemorySink();
        m.accept(frame);
        assertEquals(0, m.frames().size());
        m.finish();
        assertEquals(1, m.frames().size());
    }

    @Test
    void anUnfinishedWriterLeavesNothing() throws Exception {
        Path out = dir.resolve("never.mp4");
        try (Mp4Writer wr = new Mp4Writer(out, 32, 32, 25, 1, null, 0)) {
            wr.accept(new int[32 * 32]);
        }
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "temporary file left behind");
        }
    }
}
