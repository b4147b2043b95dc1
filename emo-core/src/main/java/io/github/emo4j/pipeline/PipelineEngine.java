package io.github.emo4j.pipeline;

import io.github.emo4j.EmoEngine;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.SamplingSchedule;
import io.github.emo4j.onnx.OrtRuntime;
import io.github.emo4j.onnx.SessionSettings;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSource;
import io.github.emo4j.procedural.ProceduralFlowPack;
import io.github.emo4j.procedural.ProceduralPack;
import io.github.emo4j.sched.Sampler;
import io.github.emo4j.sched.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** emo4j's engine: ONNX Runtime sessions over a model pack, driven by the {@link Renderer}'s stages. */
public final class PipelineEngine implements EmoEngine {

    /** The pack name of the built-in procedural pack in the flow layout ({@link ProceduralFlowPack}). */
    public static final String BUILTIN_FLOW = "builtin:flow";

    /** The engine; {@link java.util.ServiceLoader} makes it. */
    public PipelineEngine() {
    }

    @Override
    public List<ExecutionProvider> availableProviders() {
        return OrtRuntime.available();
    }

    @Override
    public Loaded load(Config c) {
        PackSource src = c.pack() == null ? ProceduralPack.standard().source()
                : c.pack().toString().equals(BUILTIN_FLOW) ? ProceduralFlowPack.standard().source()
                : new FolderPackSource(c.pack());
        SessionSettings sessions = new SessionSettings(c.threads(), c.optimization(), c.modelCache(), c.lowMemory());
        return new LoadedPack(ModelPack.load(src, c.providers(), sessions, c.loading()), c.detector());
    }

    @Override
    @SuppressWarnings("unchecked")
    public SamplingSchedule schedule(String configJson, String source, int steps, Double mu) {
        Object doc = Json.parsePython(configJson);
        if (!(doc instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Sampler sampler = Schedulers.anyFromConfig((Map<String, Object>) doc, mu).sampler(steps);
        List<Double> ts = new ArrayList<>();
        for (double t : sampler.timesteps()) {
            ts.add(t);
        }
        List<Double> sigmas = new ArrayList<>();
        for (double s : sampler.sigmas()) {
            sigmas.add(s);
        }
        return new SamplingSchedule(ts, sigmas, sampler.initNoiseSigma());
    }
}
