package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded fuzz corpus over every container and codec emo4j reads, in a JVM of its own under
 * {@code -Xmx256m -Xss512k}, 2 s a case: every case ends in a clip or an {@code AudioException} naming
 * the file; nothing else (no other exception, no error, no hang). The seeds: WAV, AIFF and AU made here;
 * Opus (Ogg and WebM), Vorbis, AAC and ALAC in M4A from the stored fixtures; FLAC (native and in Ogg),
 * MP3 (LAME and libshine), MP2 and PCM in Matroska from ffmpeg where it is installed (CI installs it).
 */
class FuzzCorpusTest {
    static final int CASES = 500;

    @TempDir
    Path dir;

    @Test
    void everyMutationEndsInAClipOrARefusalNamingTheFile() throws Exception {
        Path seeds = Files.createDirectories(dir.resolve("seeds"));
        float[] voice = WavBytes.sine(220, 16000, 16000, 0.4);
        Files.write(seeds.resolve("pcm.wav"), WavBytes.pcm16(voice, 16000));
        Files.write(seeds.resolve("pcm.aiff"), FormatsTest.aiff(voice, 16000, 1, null));
        Files.write(seeds.resolve("pcm.au"), FormatsTest.au(voice, 16000, 3));
        for (String f : List.of("speech.opus", "speech-opus.webm", "speech.ogg", "speech-aac.m4a", "speech-alac.m4a")) {
            try (var in = getClass().getResourceAsStream("fixtures/" + f)) {
                Files.write(seeds.resolve(f), in.readAllBytes());
            }
        }
        if (FormatsTest.ffmpeg()) {
            Path wav = seeds.resolve("pcm.wav");
            FormatsTest.ffmpeg(wav, seeds.resolve("flac.flac"), "-c:a", "flac");
            FormatsTest.ffmpeg(wav, seeds.resolve("flac-in.oga"), "-c:a", "flac", "-f", "ogg");
            FormatsTest.ffmpeg(wav, seeds.resolve("lame.mp3"), "-c:a", "libmp3lame", "-b:a", "48k");
            FormatsTest.ffmpeg(wav, seeds.resolve("shine.mp3"), "-c:a", "libshine", "-b:a", "64k");
            FormatsTest.ffmpeg(wav, seeds.resolve("layer2.mp2"), "-c:a", "mp2", "-b:a", "64k");
            FormatsTest.ffmpeg(wav, seeds.resolve("pcm.mka"), "-c:a", "pcm_s16le", "-f", "matroska");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Xss512k", "-cp", classPath(), FuzzCorpusMain.class.getName(),
                seeds.toString(), String.valueOf(CASES), "20261203", "2000").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out");
        assertEquals(0, p.exitValue(), output);
        List<String[]> rows = FuzzCorpusMain.rows(output);
        try (var s = Files.list(seeds)) {
            assertEquals(s.count(), rows.size(), output);
        }
        long total = 0;
        StringBuilder table = new StringBuilder("| seed | cases | decoded | refused by name | anything else |\n");
        for (String[] r : rows) {
            table.append("| ").append(String.join(" | ", r)).append(" |\n");
            total += Long.parseLong(r[1]);
            assertEquals("0", r[4], "anything else for " + r[0] + ":\n" + output);
        }
        assertFalse(output.contains("OTHER "), output);
        System.out.print("fuzz corpus, " + total + " cases:\n" + table);
    }

    /** This test's classes and everything they use, as one class path (see LongAudioTest). */
    private static String classPath() throws Exception {
        List<String> parts = new ArrayList<>();
        parts.add(Path.of(FuzzCorpusMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                parts.add(value);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
