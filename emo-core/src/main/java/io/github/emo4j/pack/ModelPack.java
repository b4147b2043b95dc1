package io.github.emo4j.pack;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.GraphOptimization;
import io.github.emo4j.PackException;
import io.github.emo4j.PackLoadListener;
import io.github.emo4j.onnx.OrtRuntime;
import io.github.emo4j.onnx.SessionSettings;
import io.github.emo4j.text.PromptTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model pack: the manifest and one ONNX Runtime session per component, each checked against
 * the manifest and the role's tensor contract before the pack is handed out. Closing the pack closes
 * every session.
 */
public final class ModelPack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPack.class);

    private final PackManifest manifest;
    private final String source;
    private final Map<Role, OnnxComponent> components;
    private final ExecutionProvider provider;
    private final PromptEmbeddings prompt;
    private final PromptTokenizer tokenizer;
    // kept open while released components may need their sessions again
    private final OrtRuntime.Chosen options;
    private boolean closed;

    private ModelPack(PackManifest manifest, String source, Map<Role, OnnxComponent> components, ExecutionProvider provider,
                      OrtRuntime.Chosen options, PromptEmbeddings prompt, PromptTokenizer tokenizer) {
        this.prompt = prompt;
        this.tokenizer = tokenizer;
        this.manifest = manifest;
        this.source = source;
        this.components = components;
        this.provider = provider;
        this.options = options;
    }

    /**
     * Loads and validates a pack.
     *
     * @param src       where it is stored
     * @param providers execution providers in order of preference
     * @param threads   intra-op threads per session, 0 for the default
     */
    public static ModelPack load(PackSource src, List<ExecutionProvider> providers, int threads) {
        return load(src, providers, SessionSettings.DEFAULT.withThreads(threads));
    }

    /**
     * Loads and validates a pack with the given session settings; with a cache folder, each
     * component's optimised graph is written there on first load and read back on later ones.
     */
    public static ModelPack load(PackSource src, List<ExecutionProvider> providers, SessionSettings settings) {
        return load(src, providers, settings, PackLoadListener.NONE);
    }

    /**
     * Loads and validates a pack, telling {@code listener} of each network as it loads.
     *
     * @param src       where it is stored
     * @param providers execution providers in order of preference
     * @param settings  the sessions' settings
     * @param listener  hears each network load
     * @return the pack
     */
    public static ModelPack load(PackSource src, List<ExecutionProvider> providers, SessionSettings settings,
                                 PackLoadListener listener) {
        PackManifest manifest = PackManifest.parse(src.manifest(), src.describe() + "/manifest.json", src::text);
        OrtRuntime.Chosen chosen = OrtRuntime.sessionOptions(providers, settings);
        Map<Role, OnnxComponent> loaded = new EnumMap<>(Role.class);
        try {
            OrtSession.SessionOptions options = chosen.options();
            Map<Role, Set<String>> passThrough = new EnumMap<>(Role.class);
            for (Role r : Contract.PRODUCERS) {
                ComponentSpec c = manifest.components().get(r);
                if (c != null) {
                    if (c.outputs().isEmpty()) {
                        throw new PackException(src.describe() + ": component " + r.key() + " declares no outputs");
                    }
                    passThrough.put(r, new HashSet<>(c.outputs().stream().map(TensorSpec::name).toList()));
                }
            }
            if (manifest.components().containsKey(Role.IMAGE_PROJECTION) && !manifest.components().containsKey(Role.IMAGE_ENCODER)) {
                throw new PackException(src.describe() + ": component image_projection needs an image_encoder to feed it");
            }
            int index = 0, count = manifest.components().size();
            for (ComponentSpec spec : manifest.components().values()) {
                index++;
                long bytes = src.size(spec.file());
                listener.loading(index, count, spec.role().key(), bytes);
                long started = System.nanoTime();
                // a compiling provider (TensorRT) keeps its engines in the cache folder itself
                OnnxComponent.Opener open = () -> settings.cacheDir() == null || chosen.compiles()
                        ? src.openSession(spec.file(), options) : openCached(src, spec, chosen.provider(), settings);
                OrtSession s;
                try {
                    s = open.open();
                } catch (OrtException e) {
                    throw new PackException(src.describe() + ": component " + spec.role().key() + " ("
                            + spec.file() + ") is not a loadable ONNX model: " + e.getMessage(), e);
                }
                boolean release = settings.lowMemory() && neededOnlyAtStart(spec.role(), manifest);
                OnnxComponent c = new OnnxComponent(src.describe(), spec, s, release ? open : null);
                loaded.put(spec.role(), c);
                validate(c, src.describe(), passThrough);
                c.releaseIfUnused();
                long took = System.nanoTime() - started;
                listener.loaded(index, count, spec.role().key(), took);
                LOG.debug("loaded {} ({}, {} bytes) in {} ms", spec.role().key(), spec.file(), bytes, took / 1_000_000);
            }
        } catch (RuntimeException e) {
            List<AutoCloseable> opened = new ArrayList<>(loaded.values());
            opened.add(chosen);
            try {
                Closing.all(opened);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        PromptEmbeddings prompt;
        PromptTokenizer tokenizer = null;
        try {
            prompt = prompt(src, manifest);
            if (manifest.components().containsKey(Role.TEXT_ENCODER)) {
                tokenizer = TextEncoderLoading.tokenizer(src, manifest);
            }
        } catch (RuntimeException e) {
            List<AutoCloseable> opened = new ArrayList<>(loaded.values());
            opened.add(chosen);
            Closing.all(opened);
            throw e;
        }
        LOG.debug("loaded pack {} from {} on {}", manifest.name(), src.describe(), chosen.provider());
        return new ModelPack(manifest, src.describe(), loaded, chosen.provider(), chosen, prompt, tokenizer);
    }

    /**
     * The stored prompt embeddings, when the denoiser takes {@code text_context} and the pack stores them.
     * The denoiser's text context comes from them, from a text encoder, or from both (the stored
     * embeddings then serve renders that give no prompt); each source needs the denoiser to take it.
     */
    private static PromptEmbeddings prompt(PackSource src, PackManifest manifest) {
        TensorSpec in = manifest.components().get(Role.DENOISING_UNET).input(Contract.TEXT_CONTEXT);
        ComponentSpec first = manifest.components().get(Role.FIRST_CLIP_DENOISER);
        if (first != null && (first.input(Contract.TEXT_CONTEXT) == null) != (in == null)) {
            throw new PackException(src.describe() + ": first_clip_denoiser and denoising_unet must both take "
                    + "'text_context' or neither");
        }
        boolean encoder = manifest.components().containsKey(Role.TEXT_ENCODER);
        if (encoder || manifest.settings().textEncoding() != null) {
            TextEncoderLoading.check(src.describe(), manifest, in);
        }
        String file = manifest.settings().textContext();
        if (in == null && file == null) {
            return null;
        }
        if (in == null) {
            throw new PackException(src.describe() + ": settings.text_context is given, but denoising_unet takes no 'text_context'");
        }
        if (file == null) {
            if (encoder) {
                return null;
            }
            throw new PackException(src.describe() + ": denoising_unet takes 'text_context', but settings.text_context "
                    + "names no prompt embeddings and the pack has no text_encoder");
        }
        return PromptEmbeddings.load(src, manifest.settings(), in);
    }


    /**
     * Networks a render runs only before its first clip: with low memory they are released between
     * renders. The ReferenceNet and VAE encoder run per clip when motion frames pass through them, and a
     * causal 3-D VAE's encoder encodes the motion frames again every clip.
     */
    static boolean neededOnlyAtStart(Role role, PackManifest m) {
        PackSettings s = m.settings();
        return switch (role) {
            case AUDIO_ENCODER, IMAGE_ENCODER, IMAGE_PROJECTION, VOCAL_SEPARATOR, FACE_LOCATOR, FACE_DETECTOR,
                 FIRST_CLIP_DENOISER, TEXT_ENCODER -> true;
            case REFERENCE_NET -> s.referenceMotionFrames() == 0 && !s.jointReference();
            case VAE_ENCODER -> s.referenceMotionFrames() == 0 && !s.jointReference() && m.family().temporalCompression() == 1;
            default -> false;
        };
    }

    /** A session from the cache folder, optimising and storing the component first if it is not there. */
    private static OrtSession openCached(PackSource src, ComponentSpec spec, ExecutionProvider provider,
                                         SessionSettings settings) throws OrtException {
        Path dir = settings.cacheDir();
        String name = spec.role().key() + "-" + src.fingerprint(spec.file()) + "-"
                + provider.toString().replace(':', '_') + "-" + settings.optimization().name().toLowerCase() + ".onnx";
        Path cached = dir.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PackException(dir + ": cannot create the model cache folder: " + e.getMessage(), e);
        }
        if (Files.isRegularFile(cached)) {
            try (OrtSession.SessionOptions o = OrtRuntime.optionsFor(provider, settings,
                    GraphOptimization.NONE)) {
                LOG.debug("{}: optimised graph from cache {}", spec.role().key(), cached);
                return OrtRuntime.env().createSession(cached.toString(), o);
            }
        }
        Path part = dir.resolve("." + name + "." + System.nanoTime() + ".part");
        try (OrtSession.SessionOptions o = OrtRuntime.optionsFor(provider, settings, settings.optimization())) {
            o.setOptimizedModelFilePath(part.toString());
            // a graph of more than 2 GB (a 14 B transformer is 28 GB) cannot be one protobuf: its constants go
            // to a data file beside it, under a name of its own that the graph keeps after the move below
            o.addConfigEntry("session.optimized_model_external_initializers_file_name", part.getFileName() + ".data");
            o.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            OrtSession s = src.openSession(spec.file(), o);
            try {
                Files.move(part, cached, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                LOG.warn("could not store the optimised {} in {}: {}", spec.role().key(), dir, e.toString());
            }
            return s;
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static void validate(OnnxComponent c, String where, Map<Role, Set<String>> passThrough) {
        ComponentSpec spec = c.spec();
        String comp = where + ": component " + spec.role().key();
        Contract.Io io = Contract.ROLES.get(spec.role());
        try {
            Map<String, NodeInfo> ins = c.session().getInputInfo();
            Map<String, NodeInfo> outs = c.session().getOutputInfo();
            for (String req : io.requiredInputs()) {
                if (spec.input(req) == null) {
                    throw new PackException(comp + ": manifest does not declare required input '" + req + "'");
                }
            }
            if ((spec.role() == Role.DENOISING_UNET || spec.role() == Role.FIRST_CLIP_DENOISER)
                    && spec.input(Contract.TIMESTEP) == null && spec.input(Contract.TIMESTEP_SINUSOID) == null
                    && spec.input(Contract.SIGMA) == null) {
                throw new PackException(comp + ": manifest declares no input for the step: 'timestep', "
                        + "'timestep_sinusoid' or 'sigma'");
            }
            for (String req : io.outputs()) {
                if (spec.output(req) == null) {
                    throw new PackException(comp + ": manifest does not declare required output '" + req + "'");
                }
            }
            for (TensorSpec t : spec.inputs()) {
                boolean denoiser = spec.role() == Role.DENOISING_UNET || spec.role() == Role.FIRST_CLIP_DENOISER;
                boolean extra = (denoiser && Contract.isMaskLevel(t.name())) || ChunkedVae.isCache(spec, t.name())
                        || Contract.feeding(spec.role()).stream().anyMatch(r -> passThrough.getOrDefault(r, Set.of()).contains(t.name()));
                if (!io.requiredInputs().contains(t.name()) && !io.optionalInputs().contains(t.name()) && !extra) {
                    String others = Contract.feeding(spec.role()).isEmpty() ? ""
                            : ", the outputs of " + Contract.feeding(spec.role()).stream().map(Role::key).toList();
                    throw new PackException(comp + ": input '" + t.name() + "' is not part of the "
                            + spec.role().key() + " contract (known: " + union(io.requiredInputs(), io.optionalInputs())
                            + (denoiser ? ", {full,face,lip}_mask_{0-3}" : "") + others + ")");
                }
                compare(comp, "input", t, ins.get(t.name()));
            }
            for (String actual : ins.keySet()) {
                if (spec.input(actual) == null) {
                    throw new PackException(comp + ": the ONNX model takes input '" + actual + "' that the manifest does not declare");
                }
            }
            for (TensorSpec t : spec.outputs()) {
                compare(comp, "output", t, outs.get(t.name()));
            }
        } catch (OrtException e) {
            throw new PackException(comp + ": cannot read the model's inputs and outputs: " + e.getMessage(), e);
        }
    }

    private static String union(Set<String> a, Set<String> b) {
        return new TreeSet<>(Stream.concat(a.stream(), b.stream()).toList()).toString();
    }

    private static void compare(String comp, String kind, TensorSpec expected, NodeInfo actual) {
        String t = comp + " " + kind + " '" + expected.name() + "'";
        if (actual == null) {
            throw new PackException(t + ": declared in the manifest but absent from the ONNX model");
        }
        if (!(actual.getInfo() instanceof TensorInfo info)) {
            throw new PackException(t + ": expected a tensor, the model has " + actual.getInfo());
        }
        String dtype = switch (info.type) {
            case FLOAT -> "float32";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            case INT64 -> "int64";
            case INT32 -> "int32";
            default -> info.type.toString().toLowerCase();
        };
        if (!dtype.equals(expected.dtype())) {
            throw new PackException(t + ": dtype expected " + expected.dtype() + ", actual " + dtype);
        }
        long[] shape = info.getShape();
        if (shape.length != expected.rank()) {
            throw new PackException(t + ": rank expected " + expected.rank() + " " + expected.shape()
                    + ", actual " + shape.length + " " + Arrays.toString(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            long want = expected.dim(i);
            if (want > 0 && shape[i] > 0 && want != shape[i]) {
                throw new PackException(t + ": dimension " + i + " expected " + want + ", actual " + shape[i]);
            }
        }
    }

    /** The stored prompt embeddings, or {@code null} when the denoiser takes none or the pack stores none. */
    public PromptEmbeddings prompt() {
        return prompt;
    }

    /** The text encoder's tokenizer, or {@code null} for a pack without a text encoder. */
    public PromptTokenizer tokenizer() {
        return tokenizer;
    }

    public PackManifest manifest() {
        return manifest;
    }

    public PackSettings settings() {
        return manifest.settings();
    }

    /** Where the pack was loaded from. */
    public String source() {
        return source;
    }

    /** The provider the sessions run on. */
    public ExecutionProvider provider() {
        return provider;
    }

    /** Whether the pack has a component for {@code role}. */
    public boolean has(Role role) {
        return components.containsKey(role);
    }

    public OnnxComponent component(Role role) {
        OnnxComponent c = components.get(role);
        if (c == null) {
            throw new PackException(source + ": pack has no " + role.key() + " component");
        }
        return c;
    }

    /** Time spent inside ONNX Runtime per role, in nanoseconds, since load. */
    public Map<Role, Long> runNanos() {
        Map<Role, Long> m = new EnumMap<>(Role.class);
        components.forEach((r, c) -> m.put(r, c.nanosInRun()));
        return m;
    }

    /**
     * Closes every component (each frees its session once its running calls end) and the session
     * options. A failure does not stop the others from closing: the first is thrown at the end, with
     * the rest suppressed in it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(components.values());
        all.add(options);
        if (tokenizer != null) {
            all.add(tokenizer);
        }
        Closing.all(all);
    }
}
