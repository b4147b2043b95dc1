package io.github.emo4j;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.AudioException;
import io.github.emo4j.audio.AudioFiles;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.onnx.OrtRuntime;
import io.github.emo4j.onnx.SessionSettings;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.PackSource;
import io.github.emo4j.procedural.ProceduralPack;
import io.github.emo4j.pipeline.Renderer;
import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.ImageException;
import io.github.emo4j.video.PartFile;
import io.github.emo4j.video.Portraits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a portrait and a voice into a talking-head video.
 *
 * <pre>{@code
 * Video video = EmoPipeline.builder().portrait(img).audio(wav).render();
 * video.save(Path.of("talk.mp4"));
 * }</pre>
 *
 * For servers, build once and render many times; a pipeline loads its models once, is safe for
 * concurrent {@link #render(RenderRequest)} calls, and must be closed:
 *
 * <pre>{@code
 * try (EmoPipeline emo = EmoPipeline.builder().pack(Path.of("packs/hallo")).provider(ExecutionProvider.cuda(0)).build()) {
 *     emo.render(RenderRequest.of(img, clip).withSeed(7), Path.of("out.mp4"));
 * }
 * }</pre>
 *
 * With no pack given, the built-in procedural reference pack is used: a weight-free stand-in whose
 * output is known exactly (see docs/model-pack.md).
 */
public final class EmoPipeline implements AutoCloseable {

    private final ModelPack pack;
    private final Renderer renderer;
    private volatile boolean closed;

    private EmoPipeline(ModelPack pack) {
        this.pack = pack;
        this.renderer = new Renderer(pack);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The execution providers this machine's ONNX Runtime offers. */
    public static List<ExecutionProvider> availableProviders() {
        return OrtRuntime.available();
    }

    /** What the loaded pack is and makes. */
    public PackInfo packInfo() {
        PackSettings s = pack.settings();
        return new PackInfo(pack.manifest().name(), s.resolution(), s.fps(), s.clipFrames(), s.motionFrames(),
                s.defaultSteps(), s.defaultGuidance());
    }

    /** The provider the pack runs on. */
    public ExecutionProvider provider() {
        return pack.provider();
    }

    /** Renders into a temporary MP4 and returns it. */
    public Video render(RenderRequest request) {
        Path tmp;
        try {
            tmp = Files.createTempFile("emo4j-", ".mp4");
            Files.delete(tmp);
            tmp.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file: " + e.getMessage(), e);
        }
        return render(request, tmp);
    }

    /**
     * Renders straight into {@code out}. The file appears only when the render succeeds; a failed or
     * cancelled render leaves nothing there (and an existing file untouched).
     *
     * @return the video at {@code out}
     */
    public Video render(RenderRequest request, Path out) {
        if (closed) {
            throw new IllegalStateException("pipeline is closed");
        }
        Path abs = checkOutput(out);
        Renderer.Outcome o = renderer.render(request, abs);
        return new Video(abs, o.frames(), o.fps(), o.width(), o.height(), o.stats());
    }

    /**
     * Checks before any work that a video can be written at {@code out}: not a folder, in a folder that
     * exists or can be made, where a file of that name can be created. Returns the absolute path.
     */
    static Path checkOutput(Path out) {
        Path abs = out.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new InvalidInputException(out + ": is a folder; give the video a file name");
        }
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            Files.delete(PartFile.beside(abs));
        } catch (IOException e) {
            throw new InvalidInputException(out + ": cannot write a video there: " + describe(e), e);
        }
        return abs;
    }

    /** An I/O failure in words: the file system's reason where it gives one. */
    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no file can be created in that folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file stands where a folder is needed";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The face box a render of {@code portrait} would use (detected when {@code given} is null). */
    public FaceBox locateFace(BufferedImage portrait, FaceBox given) {
        return renderer.locateFace(portrait, given);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pack.close();
        }
    }

    /** Reads a portrait, turning decoding errors into {@link InvalidInputException}. */
    public static BufferedImage readPortrait(Path file) {
        return readPortrait(file, Portraits.DEFAULT_BACKGROUND);
    }

    /** Reads a portrait with transparency composited over {@code backgroundRgb}. */
    public static BufferedImage readPortrait(Path file, int backgroundRgb) {
        try {
            return Portraits.read(file, Portraits.DEFAULT_MAX_PIXELS, backgroundRgb);
        } catch (ImageException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** Reads a voice file, turning decoding errors into {@link InvalidInputException}. */
    public static AudioClip readAudio(Path file) {
        try {
            return AudioFiles.read(file);
        } catch (AudioException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** Options for a pipeline and, for one-shot use, the inputs of one render. */
    public static final class Builder {
        private BufferedImage portrait;
        private AudioClip audio;
        private Path packDir;
        private final List<ExecutionProvider> providers = new ArrayList<>();
        private int threads;
        private SessionSettings sessions = SessionSettings.DEFAULT;
        private RenderRequest options = RenderRequest.of(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), new AudioClip(new float[0], 16000));

        private Builder() {
        }

        public Builder portrait(BufferedImage img) {
            this.portrait = Portraits.toRgb(img);
            return this;
        }

        public Builder portrait(Path file) {
            this.portrait = readPortrait(file);
            return this;
        }

        public Builder audio(Path wav) {
            this.audio = readAudio(wav);
            return this;
        }

        public Builder audio(AudioClip clip) {
            this.audio = clip;
            return this;
        }

        /** A pack folder; without one the built-in procedural pack is used. */
        public Builder pack(Path dir) {
            this.packDir = dir;
            return this;
        }

        /** Execution providers in order of preference; the default is the CPU. */
        public Builder provider(ExecutionProvider... preference) {
            providers.clear();
            providers.addAll(List.of(preference));
            return this;
        }

        /** Intra-op threads per session, 0 for ONNX Runtime's default. */
        public Builder threads(int n) {
            if (n < 0) {
                throw new InvalidInputException("threads must not be negative: " + n);
            }
            this.threads = n;
            return this;
        }

        /** Graph optimisation level (ONNX Runtime's; all optimisations by default). */
        public Builder optimization(GraphOptimization level) {
            this.sessions = sessions.withOptimization(level);
            return this;
        }

        /** A folder that keeps optimised graphs between runs, so large packs start faster the second time. */
        public Builder modelCache(Path dir) {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new InvalidInputException(dir + ": model cache must be a folder, and this is a file");
            }
            this.sessions = sessions.withCacheDir(dir);
            return this;
        }

        /**
         * Gives back the memory of the networks a render needs only at its start (audio and image
         * encoders, vocal separator, face locator, a once-run ReferenceNet) as soon as they have run, at
         * the cost of loading them again for the next render. For GPUs with little memory; pair it with
         * {@link #modelCache} so that reloading is quick.
         */
        public Builder lowMemory(boolean on) {
            this.sessions = sessions.withLowMemory(on);
            return this;
        }

        public Builder steps(int n) {
            options = options.withSteps(n);
            return this;
        }

        public Builder guidance(double g) {
            options = options.withGuidance(g);
            return this;
        }

        public Builder seed(long s) {
            options = options.withSeed(s);
            return this;
        }

        public Builder fps(int f) {
            options = options.withFps(f);
            return this;
        }

        public Builder face(FaceBox box) {
            options = options.withFace(box);
            return this;
        }

        public Builder motion(MotionControl m) {
            options = options.withMotion(m);
            return this;
        }

        public Builder progress(ProgressListener l) {
            options = options.withProgress(l);
            return this;
        }

        public Builder encoding(EncodingOptions e) {
            options = options.withEncoding(e);
            return this;
        }

        /** Another sampling algorithm on the pack's noise schedule, e.g. {@code dpm++2m-karras}. */
        public Builder scheduler(String name) {
            options = options.withScheduler(name);
            return this;
        }

        /** Separate reference and audio guidance; see {@link RenderRequest#referenceGuidance()}. */
        public Builder referenceGuidance(double r) {
            options = options.withReferenceGuidance(r);
            return this;
        }

        /** Guidance rescale φ in [0, 1]; see {@link RenderRequest#guidanceRescale()}. */
        public Builder guidanceRescale(double phi) {
            options = options.withGuidanceRescale(phi);
            return this;
        }

        public Builder cancel(CancelToken t) {
            options = options.withCancel(t);
            return this;
        }

        /** Loads the models: the returned pipeline renders many times and must be closed. */
        public EmoPipeline build() {
            PackSource src = packDir == null ? ProceduralPack.standard().source() : new FolderPackSource(packDir);
            List<ExecutionProvider> pref = providers.isEmpty() ? List.of(ExecutionProvider.CPU) : List.copyOf(providers);
            return new EmoPipeline(ModelPack.load(src, pref, sessions.withThreads(threads)));
        }

        /** The request this builder describes, for {@link EmoPipeline#render(RenderRequest)}. */
        public RenderRequest request() {
            if (portrait == null) {
                throw new InvalidInputException("no portrait given");
            }
            if (audio == null) {
                throw new InvalidInputException("no audio given");
            }
            return options.withPortrait(portrait).withAudio(audio);
        }

        /** One-shot: loads the models, renders, releases the models. */
        public Video render() {
            RenderRequest req = request();
            try (EmoPipeline p = build()) {
                return p.render(req);
            }
        }
    }
}
