package io.github.emo4j.onnx;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.ProviderException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be shown of the GPU providers without a GPU: their configuration and their error paths.
 */
class OrtRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void tensorRtKeepsEnginesAndTimingsInTheModelCache() {
        Map<String, String> m = OrtRuntime.tensorRtOptions(dir);
        String cache = dir.resolve("tensorrt").toAbsolutePath().toString();
        assertEquals("1", m.get("trt_engine_cache_enable"));
        assertEquals(cache, m.get("trt_engine_cache_path"));
        assertEquals("1", m.get("trt_timing_cache_enable"));
        assertEquals(cache, m.get("trt_timing_cache_path"));
        assertTrue(OrtRuntime.tensorRtOptions(null).isEmpty(), "no cache folder, TensorRT's defaults");
    }

    @Test
    void aFallbackListWithACacheSkipsTheMissingGpuProviders() {
        SessionSettings s = SessionSettings.DEFAULT.withThreads(1).withCacheDir(dir);
        try (OrtRuntime.Chosen c = OrtRuntime.sessionOptions(
                List.of(ExecutionProvider.parse("tensorrt:0"), ExecutionProvider.cuda(0), ExecutionProvider.CPU), s)) {
            assertEquals(ExecutionProvider.CPU, c.provider());
            assertFalse(c.compiles());
        }
        ProviderException e = assertThrows(ProviderException.class,
                () -> OrtRuntime.sessionOptions(List.of(ExecutionProvider.parse("tensorrt:0")), s).close());
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
    }
}
