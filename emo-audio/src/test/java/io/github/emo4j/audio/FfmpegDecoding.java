package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** ffmpeg's decoding of a file, as the reference the decoders are measured against, and damaged copies. */
final class FfmpegDecoding {
    private FfmpegDecoding() {
    }

    /**
     * ffmpeg's decoding at the file's own rate, mixed to mono as emo4j mixes (the channels' mean).
     *
     * @param decoder options before {@code -i}, e.g. {@code -c:a libopus} to choose the decoder
     */
    static AudioClip mono(Path encoded, int channels, int rate, String... decoder) throws Exception {
        Path raw = encoded.resolveSibling(encoded.getFileName() + String.join("", decoder) + ".f32");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
        cmd.addAll(List.of(decoder));
        cmd.addAll(List.of("-i", encoded.toString(), "-f", "f32le", "-ar", String.valueOf(rate), raw.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining() / 4 / channels;
        float[] mono = new float[n];
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int c = 0; c < channels; c++) {
                s += b.getFloat();
            }
            mono[i] = s / channels;
        }
        return new AudioClip(mono, rate);
    }

    /**
     * Reads {@code trials} copies of {@code good} with a few bits flipped in {@code [from, from + span)}: each
     * must end within 2 s in a clip or an {@link AudioException} naming the file.
     */
    static void survivesDamage(byte[] good, int from, int span, int trials, long seed, Path file) throws Exception {
        Random rnd = new Random(seed);
        for (int trial = 0; trial < trials; trial++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + trial % 8; k++) {
                int at = from + rnd.nextInt(Math.min(span, bad.length - from));
                bad[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            Files.write(file, bad);
            long t0 = System.nanoTime();
            try {
                AudioFiles.read(file);
            } catch (AudioException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            }
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "trial " + trial + " took too long");
        }
    }
}
