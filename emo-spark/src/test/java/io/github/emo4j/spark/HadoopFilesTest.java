package io.github.emo4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing through Hadoop's file system, reading inputs within bounds, and GPU addresses. */
class HadoopFilesTest {
    final HadoopFiles files = new HadoopFiles(new Configuration());

    @Test
    void publishingTwiceLeavesOneFileAndNoSidecars(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.bin"), "first attempt");
        Path b = Files.writeString(dir.resolve("b.bin"), "second attempt");
        String target = "file://" + dir.resolve("out/v.mp4");
        files.publish(a, target, "attempt-1");
        files.publish(b, target, "attempt-2");
        try (var s = Files.list(dir.resolve("out"))) {
            assertEquals(List.of("v.mp4"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("second attempt", Files.readString(dir.resolve("out/v.mp4")));
    }

    @Test
    void aSweepRemovesWhatADeadAttemptLeft(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/.v.mp4.attempt-3-0-7.tmp"), "half");
        Files.writeString(dir.resolve("out/w.mp4"), "other job");
        files.sweep(dir.resolve("out/v.mp4").toString());
        try (var s = Files.list(dir.resolve("out"))) {
            assertEquals(List.of("w.mp4"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void inputsAreCopiedWithinTheirBound(@TempDir Path dir) throws Exception {
        Path big = Files.write(dir.resolve("big.wav"), new byte[4096]);
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        String uri = "file://" + big;
        // a local path is used where it is; another file system's file is checked, then copied
        assertEquals(big, files.local(big.toString(), null, "big.wav", 10, scratch));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> files.local(uri, null, "big.wav", 1000, scratch));
        assertTrue(e.getMessage().contains("4096 bytes, more than the 1000"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> files.local(uri + ".gone", null, "x", 1000, scratch));
        assertTrue(e.getMessage().endsWith("big.wav.gone: no such file"), e.getMessage());
        Path copied = files.local(uri, null, "big.wav", 10_000, scratch);
        assertArrayEquals(Files.readAllBytes(big), Files.readAllBytes(copied));
        assertThrows(InvalidInputException.class, () -> files.local(null, new byte[0], "id:audio_bytes", 10, scratch));
    }

    @Test
    void theDiscoveryScriptPrintsSparksResourceJson(@TempDir Path dir) throws Exception {
        Path script = Path.of("scripts/gpu-discovery.sh").toAbsolutePath();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path smi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\nprintf '0\\n1\\n'\n");
        smi.toFile().setExecutable(true);
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}", discover(script, bin + ":/usr/bin:/bin", null));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\"]}", discover(script, "/usr/bin:/bin", "4,6,7"));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[]}", discover(script, "/usr/bin:/bin", null));
    }

    private static String discover(Path script, String path, String visible) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", path);
        pb.environment().remove("CUDA_VISIBLE_DEVICES");
        if (visible != null) {
            pb.environment().put("CUDA_VISIBLE_DEVICES", visible);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void gpuAddressesMapToDevices() {
        assertEquals(ExecutionProvider.cuda(3), TaskDevice.forAddress("3", ExecutionProvider.Kind.CUDA));
        assertEquals(new ExecutionProvider(ExecutionProvider.Kind.TENSORRT, 0), TaskDevice.forAddress(" 0 ", ExecutionProvider.Kind.TENSORRT));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskDevice.forAddress("GPU-8f2a", ExecutionProvider.Kind.CUDA));
        assertTrue(e.getMessage().contains("'GPU-8f2a'"), e.getMessage());
        // outside a task: the CPU
        assertEquals(ExecutionProvider.CPU, TaskDevice.current(ExecutionProvider.Kind.CUDA));
    }
}
