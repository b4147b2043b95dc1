package io.github.emo4j.onnx;

import io.github.emo4j.GraphOptimization;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.ProviderException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide ONNX Runtime environment and the one place that turns emo4j's provider choices into
 * session options. A provider list is an order of preference: the first one that can be configured
 * wins; the ones before it are logged as skipped, with the reason.
 */
public final class OrtRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);

    private OrtRuntime() {
    }

    /**
     * System property naming the lowest level of ONNX Runtime's own log that reaches stderr: verbose,
     * info, warning, error or fatal (the default). ONNX Runtime writes its log natively, past any Java
     * logging, and every error it reports reaches emo4j as an exception with the same text, so by
     * default its log stays quiet.
     */
    public static final String LOG_LEVEL_PROPERTY = "emo4j.onnxruntime.log";

    /** The shared environment. ONNX Runtime allows one per process. */
    public static OrtEnvironment env() {
        return Env.ENV;
    }

    private static final class Env {
        static final OrtEnvironment ENV = create();

        private static OrtEnvironment create() {
            OrtEnvironment env = OrtEnvironment.getEnvironment(logLevel(), "emo4j");
            removeUnpackedLibraries();
            return env;
        }
    }

    /** ONNX Runtime's log level, from {@link #LOG_LEVEL_PROPERTY}. */
    public static OrtLoggingLevel logLevel() {
        return switch (System.getProperty(LOG_LEVEL_PROPERTY, "fatal").toLowerCase(Locale.ROOT)) {
            case "verbose" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
            case "info" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO;
            case "warning" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
            case "error" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            default -> OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        };
    }

    /**
     * ONNX Runtime unpacks its native libraries into a fresh temporary folder and asks the JVM to delete
     * them at exit, the folder before the files, so an empty folder stays behind after every run. Once
     * the libraries are loaded they can be unlinked (on Linux and macOS), so the folder goes now. Where
     * that fails (Windows keeps loaded libraries), ONNX Runtime's own clean-up at exit remains.
     */
    private static void removeUnpackedLibraries() {
        Path dir;
        try {
            Class<?> runtime = Class.forName("ai.onnxruntime.OnnxRuntime");
            Field f = runtime.getDeclaredField("tempDirectory");
            f.setAccessible(true);
            dir = (Path) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot find ONNX Runtime's unpacking folder: {}", e.toString());
            return;
        }
        if (dir == null) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path lib : files) {
                Files.deleteIfExists(lib);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("ONNX Runtime's unpacked libraries stay until exit: {}", e.toString());
        }
    }

    /** Providers the loaded ONNX Runtime build can offer on this machine. */
    public static List<ExecutionProvider> available() {
        env();
        EnumSet<OrtProvider> ort = OrtEnvironment.getAvailableProviders();
        List<ExecutionProvider> out = new ArrayList<>();
        for (ExecutionProvider.Kind k : ExecutionProvider.Kind.values()) {
            if (ort.contains(ortProvider(k))) {
                out.add(ExecutionProvider.of(k));
            }
        }
        return out;
    }

    /**
     * Session options for the first usable provider of {@code preference}.
     *
     * @param threads intra-op threads, or 0 for ONNX Runtime's default
     * @return the options and the provider chosen
     * @throws ProviderException if none can be used
     */
    public static Chosen sessionOptions(List<ExecutionProvider> preference, int threads) {
        return sessionOptions(preference, SessionSettings.DEFAULT.withThreads(threads));
    }

    /** Session options for the first usable provider of {@code preference}, as {@code settings} says. */
    public static Chosen sessionOptions(List<ExecutionProvider> preference, SessionSettings settings) {
        int threads = settings.threads();
        List<String> reasons = new ArrayList<>();
        env();
        EnumSet<OrtProvider> ort = OrtEnvironment.getAvailableProviders();
        for (ExecutionProvider p : preference) {
            String why = unavailableReason(p, ort);
            if (why == null) {
                OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                AutoCloseable providerOptions = null;
                try {
                    configure(o, settings, settings.optimization());
                    providerOptions = addProvider(o, p, settings);
                    if (!reasons.isEmpty()) {
                        LOG.warn("using provider {} after skipping: {}", p, String.join("; ", reasons));
                    }
                    return new Chosen(o, p, providerOptions);
                } catch (OrtException | RuntimeException e) {
                    o.close();
                    why = e.getMessage();
                }
            }
            reasons.add(p + ": " + why);
        }
        throw new ProviderException("no usable execution provider: " + String.join("; ", reasons));
    }

    /**
     * Options plus the provider they were set up for, and the provider's own options object when it
     * has one; closing it closes both, once the sessions are made.
     */
    public record Chosen(OrtSession.SessionOptions options, ExecutionProvider provider, AutoCloseable providerOptions)
            implements AutoCloseable {

        /** Whether the provider compiles the graph into its own engines, which it then caches itself. */
        public boolean compiles() {
            return provider.kind() == ExecutionProvider.Kind.TENSORRT;
        }

        @Override
        public void close() {
            options.close();
            if (providerOptions != null) {
                try {
                    providerOptions.close();
                } catch (Exception e) {
                    LOG.warn("could not release the provider options: {}", e.toString());
                }
            }
        }
    }

    /**
     * TensorRT's options: with a cache folder, built engines and kernel timings are kept in
     * {@code <cache>/tensorrt} (building an engine for a UNet takes minutes; a cached one loads in
     * seconds). Without one, TensorRT's defaults.
     */
    static Map<String, String> tensorRtOptions(Path cacheDir) {
        Map<String, String> m = new LinkedHashMap<>();
        if (cacheDir != null) {
            String dir = cacheDir.resolve("tensorrt").toAbsolutePath().toString();
            m.put("trt_engine_cache_enable", "1");
            m.put("trt_engine_cache_path", dir);
            m.put("trt_timing_cache_enable", "1");
            m.put("trt_timing_cache_path", dir);
        }
        return m;
    }

    /** Options for a provider already known to work, at a given optimisation level. */
    public static OrtSession.SessionOptions optionsFor(ExecutionProvider p, SessionSettings settings,
                                                      GraphOptimization level) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            configure(o, settings, level);
            if (p.kind() == ExecutionProvider.Kind.TENSORRT) {
                throw new IllegalArgumentException("TensorRT caches its own engines; its graphs are not stored optimised");
            }
            addProvider(o, p, settings);
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /**
     * Threads and optimisation level. ONNX Runtime's pool threads normally spin between operators; a
     * render runs its decoder, compositor and encoder threads beside the denoiser, so spinning threads
     * would take their cores. They sleep instead, which costs a run microseconds of wake-up.
     */
    private static void configure(OrtSession.SessionOptions o, SessionSettings settings,
                                  GraphOptimization level) throws OrtException {
        o.setOptimizationLevel(level(level));
        o.setSessionLogLevel(logLevel());
        if (settings.threads() > 0) {
            o.setIntraOpNumThreads(settings.threads());
        }
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        o.addConfigEntry("session.inter_op.allow_spinning", "0");
    }

    static OrtSession.SessionOptions.OptLevel level(GraphOptimization o) {
        return switch (o) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        };
    }

    static String unavailableReason(ExecutionProvider p, EnumSet<OrtProvider> ort) {
        if (ort.contains(ortProvider(p.kind()))) {
            return null;
        }
        return switch (p.kind()) {
            case CUDA, TENSORRT -> "not in this ONNX Runtime build (the default artifact is CPU-only); "
                    + "depend on com.microsoft.onnxruntime:onnxruntime_gpu instead of onnxruntime "
                    + "(Maven profile -Pgpu) and install CUDA and cuDNN";
            case ROCM -> "not in this ONNX Runtime build; ROCm needs an ONNX Runtime built with ROCm support";
            case DIRECTML -> "not in this ONNX Runtime build; DirectML needs Windows and "
                    + "com.microsoft.onnxruntime:onnxruntime_gpu on Windows";
            case COREML -> "not in this ONNX Runtime build; CoreML is available on macOS only";
            case OPENVINO -> "not in this ONNX Runtime build; OpenVINO needs an ONNX Runtime built with OpenVINO";
            case CPU -> "the CPU provider is missing from this ONNX Runtime build";
        };
    }

    /** Appends the provider; returns its options object when one was made (the caller closes it). */
    private static AutoCloseable addProvider(OrtSession.SessionOptions o, ExecutionProvider p, SessionSettings settings)
            throws OrtException {
        if (p.kind() == ExecutionProvider.Kind.TENSORRT && settings.cacheDir() != null) {
            OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(p.deviceId());
            try {
                for (Map.Entry<String, String> e : tensorRtOptions(settings.cacheDir()).entrySet()) {
                    trt.add(e.getKey(), e.getValue());
                }
                o.addTensorrt(trt);
                return trt;
            } catch (OrtException | RuntimeException e) {
                trt.close();
                throw e;
            }
        }
        switch (p.kind()) {
            case CPU -> { }
            case CUDA -> o.addCUDA(p.deviceId());
            case TENSORRT -> o.addTensorrt(p.deviceId());
            case ROCM -> o.addROCM(p.deviceId());
            case DIRECTML -> o.addDirectML(p.deviceId());
            case COREML -> o.addCoreML();
            case OPENVINO -> o.addOpenVINO("");
        }
        return null;
    }

    static OrtProvider ortProvider(ExecutionProvider.Kind k) {
        return switch (k) {
            case CPU -> OrtProvider.CPU;
            case CUDA -> OrtProvider.CUDA;
            case TENSORRT -> OrtProvider.TENSOR_RT;
            case ROCM -> OrtProvider.ROCM;
            case DIRECTML -> OrtProvider.DIRECT_ML;
            case COREML -> OrtProvider.CORE_ML;
            case OPENVINO -> OrtProvider.OPEN_VINO;
        };
    }
}
