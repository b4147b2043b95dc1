package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worst inputs against a command line given a 256 MB heap: each must be refused with one line and
 * status 2, quickly, where before they exhausted the heap or the stack.
 */
class SmallHeapTest {

    @TempDir
    Path dir;

    private record Result(int code, String output, long millis) {
    }

    private static Result emo(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xss512k", "-cp", System.getProperty("java.class.path"), EmoCli.class.getName()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "no answer: " + cmd);
        return new Result(p.exitValue(), out, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void refused(Result r, String fragment) {
        assertEquals(2, r.code(), r.output());
        assertEquals(1, r.output().strip().lines().count(), r.output());
        assertTrue(r.output().contains(fragment), r.output());
    }

    @Test
    void aTwoGigabyteSparseWavIsRefusedBeforeItIsRead() throws Exception {
        Path wav = dir.resolve("sparse.wav");
        long data = (2L << 30) - 64;
        try (RandomAccessFile f = new RandomAccessFile(wav.toFile(), "rw")) {
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + data)).put("WAVE".getBytes(StandardCharsets.US_ASCII));
            h.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000)
                    .putInt(32000).putShort((short) 2).putShort((short) 16);
            h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) data);
            f.write(h.array());
            f.setLength(44 + data);
        }
        Result render = emo("render", "--portrait", EmoCliTest.PORTRAIT, "--audio", wav.toString(), "--out", dir.resolve("x.mp4").toString(),
                "--quiet");
        refused(render, "too long to decode in this JVM");
        assertFalse(Files.exists(dir.resolve("x.mp4")));
        // (features stream audio of any length instead; LongAudioTest streams an hour under the same heap)
        System.out.println("2 GB sparse WAV under -Xmx256m: refused in " + render.millis() + " ms");
    }

    @Test
    void hostileMp4HeadersAreRefusedUnderASmallHeapAndStack() throws Exception {
        Path video = dir.resolve("base.mp4");
        Path wav = dir.resolve("short.wav");
        Files.write(wav, HostileInputTest.wav16(new short[8000], 16000));
        assertEquals(0, EmoCli.run(new String[] {"render", "--portrait", EmoCliTest.PORTRAIT, "--audio", wav.toString(),
                "--out", video.toString(), "--quiet", "--steps", "1"}, System.out, System.err));
        byte[] mp4 = Files.readAllBytes(video);
        int moov = HostileInputTest.indexOf(mp4, "moov") - 4;
        int moovLen = ByteBuffer.wrap(mp4, moov, 4).getInt();
        Path nested = dir.resolve("nested.mp4");
        Files.write(nested, HostileInputTest.insertIntoMoov(mp4, moov, moovLen, HostileInputTest.nestedAtoms(100_000)));
        Result r = emo("features", "--audio", nested.toString(), "--kind", "envelope", "--out", dir.resolve("n.npy").toString());
        // the nest is off the audio track's path: skipped by its size, the voice decodes
        assertEquals(0, r.code(), r.output());

        int stsz = HostileInputTest.indexOf(mp4, "stsz", HostileInputTest.indexOf(mp4, "soun"));
        ByteBuffer big = ByteBuffer.wrap(mp4.clone());
        big.putInt(stsz + 8, 0).putInt(stsz + 12, Integer.MIN_VALUE);
        Path table = dir.resolve("stsz.mp4");
        Files.write(table, big.array());
        refused(emo("features", "--audio", table.toString(), "--kind", "envelope", "--out", dir.resolve("s.npy").toString()),
                "'stsz' claims 2147483648 samples");
    }
}
