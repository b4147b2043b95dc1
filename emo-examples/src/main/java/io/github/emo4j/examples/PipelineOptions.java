package io.github.emo4j.examples;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.face.HaarFaceDetector;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Which pack runs where: the options of every command that loads a pipeline. */
final class PipelineOptions {
    @Option(names = "--pack", paramLabel = "DIR",
            description = "model pack folder, or builtin:flow for the built-in pack in the flow layout (default: the built-in "
                    + "procedural pack)")
    Path pack;

    @Option(names = "--provider", paramLabel = "LIST",
            description = "execution providers in order of preference, e.g. cuda:0,cpu (default cpu)")
    String provider;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads per session (default: all cores)")
    Integer threads;

    @Option(names = "--model-cache", paramLabel = "DIR",
            description = "keep optimised graphs (TensorRT: engines) in DIR, so packs start faster next time")
    Path modelCache;

    @Option(names = "--low-memory", description = "free the networks used only at a render's start once they have run")
    boolean lowMemory;

    @Option(names = "--face-detector", paramLabel = "NAME",
            description = "blazeface (default: MediaPipe's, bundled) or viola-jones (OpenCV's cascade)")
    String faceDetector = "blazeface";

    /** Networks at least this large say so while they load: a learned pack's can take minutes. */
    private static final long ANNOUNCED_BYTES = 256L << 20;

    /** A pipeline builder with these options; the loading of large networks is told on {@code err}. */
    EmoPipeline.Builder builder(PrintStream err) {
        EmoPipeline.Builder b = EmoPipeline.builder().threads(Numbers.within("--threads", threads, 0, 1, 256))
                .faceDetector(detector()).lowMemory(lowMemory)
                .onLoad((index, count, component, bytes) -> {
                    if (bytes >= ANNOUNCED_BYTES) {
                        err.printf(Locale.ROOT, "emo: loading %s, network %d of %d (%.1f GB)...%n", component, index, count,
                                bytes / 1e9);
                    }
                });
        if (modelCache != null) {
            b.modelCache(modelCache);
        }
        if (pack != null) {
            b.pack(pack);
        }
        if (provider != null) {
            b.provider(providers().toArray(new ExecutionProvider[0]));
        }
        return b;
    }

    /** The providers {@code --provider} names, cpu by default. */
    List<ExecutionProvider> providers() {
        String list = provider == null ? "cpu" : provider;
        List<ExecutionProvider> ps = new ArrayList<>();
        for (String p : list.split(",", -1)) {
            if (p.isBlank()) {
                throw new InvalidInputException("--provider: an empty name in '" + list + "'");
            }
            try {
                ps.add(ExecutionProvider.parse(p));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--provider: " + e.getMessage(), e);
            }
        }
        return ps;
    }

    /** The detector {@code --face-detector} names, or {@code null} for the default. */
    FaceDetector detector() {
        return switch (faceDetector) {
            case "blazeface" -> null;
            case "viola-jones" -> HaarFaceDetector.frontalFace();
            default -> throw new InvalidInputException("--face-detector must be blazeface or viola-jones: '" + faceDetector + "'");
        };
    }
}
