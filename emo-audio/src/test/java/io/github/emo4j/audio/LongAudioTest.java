package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An hour of 48 kHz stereo WAV (691 MB) becomes whisper features in a JVM whose heap is capped at 256 MB. */
class LongAudioTest {

    @TempDir
    Path dir;

    @Test
    void anHourOfStereoFitsInASmallHeap() throws Exception {
        int rate = 48000;
        int seconds = 3600;
        Path wav = dir.resolve("hour.wav");
        long data = (long) rate * seconds * 4;
        ByteBuffer second = ByteBuffer.allocate(rate * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rate; i++) {
            double t = i / (double) rate;
            short v = (short) Math.round(8000 * Math.max(0, Math.sin(2 * Math.PI * 2.5 * t)) * Math.sin(2 * Math.PI * 190 * t));
            second.putShort(v).putShort((short) (v / 2));
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(wav), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes()).putInt((int) (36 + data)).put("WAVE".getBytes());
            h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 2).putInt(rate).putInt(rate * 4)
                    .putShort((short) 4).putShort((short) 16);
            h.put("data".getBytes()).putInt((int) data);
            out.write(h.array());
            for (int s = 0; s < seconds; s++) {
                out.write(second.array());
            }
        }
        Path npy = dir.resolve("hour.npy");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath(),
                LongAudioMain.class.getName(), wav.toString(), npy.toString(), "whisper-logmel-80")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("shape [80, 360000]"), output);
        assertEquals(128 + 80L * 360000 * 4, Files.size(npy));
        Files.delete(wav);
    }

    /**
     * This test's classes and everything they use, as one class path: the tests run inside the
     * emo4j.audio module, whose classes are on the module path, not the class path.
     */
    private static String classPath() throws Exception {
        List<String> parts = new ArrayList<>();
        parts.add(Path.of(LongAudioMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                parts.add(value);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
