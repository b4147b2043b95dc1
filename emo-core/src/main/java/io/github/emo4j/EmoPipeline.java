package io.github.emo4j;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.AudioException;
import io.github.emo4j.audio.AudioFiles;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.video.image.ImageException;
import io.github.emo4j.video.FrameSink;
import io.github.emo4j.video.files.PartFile;
import io.github.emo4j.video.image.Portraits;
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
import java.util.Objects;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
 *     emo.render(RenderRequest.builder(img, clip).seed(7).build(), Path.of("out.mp4"));
 * }
 * }</pre>
 *
 * With no pack given, the built-in procedural reference pack is used: a weight-free stand-in whose
 * output is known exactly (see docs/model-pack.md).
 */
public final class EmoPipeline implements AutoCloseable {

    /** How long {@link #close} waits for cancelled renders to stop before it leaves their sessions to them. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final EmoEngine.Loaded pack;
    private final Object lock = new Object();
    /** Renders and face look-ups under way; guarded by {@link #lock}. */
    private int inFlight;
    /** Set once by {@link #close}: renders under way see it at their next step and stop. */
    private volatile boolean closed;

    private EmoPipeline(EmoEngine.Loaded pack) {
        this.pack = pack;
    }

    /**
     * A new builder, for a pipeline ({@link Builder#build}) or a one-shot render ({@link Builder#render}).
     *
     * @return a builder with every option at its default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The execution providers this machine's ONNX Runtime offers.
     *
     * @return the providers the loaded ONNX Runtime build can use here, the CPU among them
     */
    public static List<ExecutionProvider> availableProviders() {
        return EmoEngine.get().availableProviders();
    }

    /**
     * What the loaded pack is and makes.
     *
     * @return the pack's name, resolution, clip layout and defaults
     */
    public PackInfo packInfo() {
        return pack.packInfo();
    }

    /**
     * Everything the loaded pack declares, as loading checked it.
     *
     * @return the pack's manifest as read: name, family, settings, scheduler and each network's tensors
     */
    public PackDescription describePack() {
        return pack.describe();
    }

    /**
     * The provider the pack runs on: the first of the preference list that could be used.
     *
     * @return the chosen execution provider
     */
    public ExecutionProvider provider() {
        return pack.provider();
    }

    /**
     * Renders into a temporary MP4, deleted when the JVM exits; {@link Video#save} keeps it.
     *
     * @param request the portrait, the voice and how to animate
     * @return the rendered video
     * @throws InvalidInputException if the request cannot be rendered (no face found, audio too short, ...)
     * @throws PackException if the pack fails at run time, for example with non-finite outputs
     * @throws RenderCancelledException if the request's token was cancelled or the thread interrupted
     */
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
     * Renders straight into {@code out}. The output location is checked before any work; the file
     * appears only when the render succeeds, and a failed or cancelled render leaves nothing there (and an
     * existing file untouched).
     *
     * @param request the portrait, the voice and how to animate
     * @param out     where the MP4 goes; its folder is created if needed
     * @return the video at {@code out}
     * @throws InvalidInputException if {@code out} cannot be written, or the request cannot be rendered
     * @throws PackException if the pack fails at run time, for example with non-finite outputs
     * @throws RenderCancelledException if the request's token was cancelled or the thread interrupted
     */
    public Video render(RenderRequest request, Path out) {
        requireVoice(request);
        return whileOpen(() -> {
            Path abs = checkOutput(out);
            EmoEngine.Rendered o = pack.render(request, abs, () -> closed);
            return new Video(abs, o.frames(), o.fps(), o.width(), o.height(), o.stats());
        });
    }

    /**
     * Renders into frame sinks of the caller's choosing instead of an MP4: a stream, a preview, an
     * encoder of another kind. {@code frames} is asked for a sink once the render knows the frames' size
     * (the portrait's); the sink then receives every frame in order, from one of the render's threads at
     * a time, is {@link FrameSink#finish() finished} when the render succeeds and closed in any case. The
     * request's encoding options do not apply (nor does its PNG folder).
     *
     * @param request the portrait, the voice and how to animate
     * @param frames  opens the sink for frames of a given size and rate
     * @return where the render's time went
     * @throws InvalidInputException if the request cannot be rendered (no face found, audio too short, ...)
     * @throws PackException if the pack fails at run time, for example with non-finite outputs
     * @throws RenderCancelledException if the request's token was cancelled, the thread interrupted or the
     *         pipeline closed
     * @throws EmoException if the sink fails to open, take a frame or finish
     */
    public RenderStats render(RenderRequest request, FrameSink.Factory frames) {
        Objects.requireNonNull(frames, "frames");
        requireVoice(request);
        return whileOpen(() -> pack.render(request, frames, () -> closed).stats());
    }

    private static void requireVoice(RenderRequest request) {
        if (request.audio() == null) {
            throw new InvalidInputException("audio: this is a live request, without a voice; open it with live(...), "
                    + "or give the voice with RenderRequest.builder(portrait, audio)");
        }
    }

    /**
     * Opens a live session: a face that speaks while the voice is still arriving (docs/live.md). The
     * portrait's face is found and encoded before this returns; then voice fed to the session comes out as
     * frames to {@code listener}, clip by clip, made by the same stages as a file render. Closing the
     * pipeline ends its live sessions.
     *
     * @param request  the portrait and how to animate it, from {@link RenderRequest#live}; its
     *                 {@code clipFrames} sets how soon the first frame comes, for packs that take any
     * @param options  the voice's rate, real-time pacing, and the buffer and lag bounds
     * @param listener where the frames go
     * @return the session, taking voice
     * @throws InvalidInputException if the request has a voice, or cannot be rendered (no face, ...)
     * @throws PackException if the pack fails
     * @throws IllegalStateException if the pipeline is closed
     */
    public LiveSession live(RenderRequest request, LiveOptions options, LiveSession.Listener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (request.audio() != null) {
            throw new InvalidInputException("audio: a live session takes its voice through feed(); "
                    + "build its request with RenderRequest.live(portrait)");
        }
        enter();
        try {
            return new LiveSession(pack, request, options, listener, () -> closed, this::released);
        } catch (RuntimeException e) {
            released();
            throw e;
        }
    }

    /** Counts a call or live session that uses the networks, so that {@link #close} waits for it; refused once closed. */
    private void enter() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this pipeline is closed");
            }
            inFlight++;
        }
    }

    /** A call or live session counted by {@link #enter} is over. */
    private void released() {
        synchronized (lock) {
            inFlight--;
            lock.notifyAll();
        }
    }

    /**
     * Runs a call that uses the networks, counted so that {@link #close} waits for it; refused once the
     * pipeline is closed.
     */
    private <T> T whileOpen(Supplier<T> call) {
        enter();
        try {
            return call.get();
        } finally {
            released();
        }
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

    /**
     * The face box a render of {@code portrait} would use.
     *
     * @param portrait the portrait, as {@link #readPortrait} returns it
     * @param given    a box to check and use, or {@code null} to detect the face
     * @return the face box in portrait pixels
     * @throws InvalidInputException if {@code given} does not fit the portrait, or no face is found
     */
    public FaceBox locateFace(BufferedImage portrait, FaceBox given) {
        return whileOpen(() -> pack.locateFace(portrait, given));
    }

    /**
     * Every face in a portrait, as the render's detector finds it: the pack's own detector if it has one,
     * else BlazeFace with its six keypoints.
     *
     * @param portrait the portrait, as {@link #readPortrait} returns it
     * @return the faces in the order a render chooses them, the one it uses first; empty when there is none
     */
    public List<DetectedFace> faces(BufferedImage portrait) {
        return whileOpen(() -> pack.faces(portrait));
    }

    /**
     * Stops the renders under way and releases the networks. New calls are refused at once; each render
     * under way stops at its next sampling step with {@link RenderCancelledException}, leaving no file,
     * and this method waits for them (up to 30 s). A network that is still running after that is freed
     * when its run ends, never under it. Calling it again does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
            boolean interrupted = false;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        pack.close();
    }

    /**
     * Reads a portrait (PNG, JPEG, BMP or GIF), transparency over white.
     *
     * @param file the image file
     * @return the portrait as 8-bit RGB, turned as its EXIF orientation says
     * @throws InvalidInputException if the file is missing, not an image, damaged or too large
     */
    public static BufferedImage readPortrait(Path file) {
        return readPortrait(file, Portraits.DEFAULT_BACKGROUND);
    }

    /**
     * Reads a portrait with transparency composited over {@code backgroundRgb}.
     *
     * @param file          the image file
     * @param backgroundRgb the colour under transparent pixels, as {@code 0xRRGGBB}
     * @return the portrait as 8-bit RGB, turned as its EXIF orientation says
     * @throws InvalidInputException if the file is missing, not an image, damaged or too large
     */
    public static BufferedImage readPortrait(Path file, int backgroundRgb) {
        try {
            return Portraits.read(file, Portraits.DEFAULT_MAX_PIXELS, backgroundRgb);
        } catch (ImageException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /**
     * Reads a portrait of at most {@code maxPixels} pixels, refusing a larger one before decoding it (a
     * server's upload limit). Named apart from {@link #readPortrait(Path, int)}: an int pixel count would
     * otherwise be taken for a background colour.
     *
     * @param file      the image file
     * @param maxPixels the most pixels accepted, 1 or more
     * @return the portrait as 8-bit RGB, turned as its EXIF orientation says
     * @throws InvalidInputException if the file is missing, not an image, damaged or larger than that
     */
    public static BufferedImage readPortraitWithin(Path file, long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1: " + maxPixels);
        }
        try {
            return Portraits.read(file, maxPixels, Portraits.DEFAULT_BACKGROUND);
        } catch (ImageException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /**
     * Reads a voice file (WAV, AIFF, AU, FLAC, Ogg, WebM/Matroska, MP3, MP2 or M4A) as mono at its own sample rate.
     *
     * @param file the audio file
     * @return the decoded voice
     * @throws InvalidInputException if the file is missing, of an unsupported kind, malformed, or too long for the heap
     */
    public static AudioClip readAudio(Path file) {
        try {
            return AudioFiles.read(file);
        } catch (AudioException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /**
     * Reads a voice of at most {@code maxSeconds}, refusing a longer one as soon as that much is decoded
     * (a server's upload limit: hours of compressed voice in a few megabytes cost no more than the limit).
     *
     * @param file       the audio file
     * @param maxSeconds the longest voice accepted, above 0
     * @return the decoded voice
     * @throws InvalidInputException if the file is missing, of an unsupported kind, malformed, or longer than
     *         that ("over the limit")
     */
    public static AudioClip readAudioWithin(Path file, double maxSeconds) {
        try {
            return AudioFiles.read(file, maxSeconds);
        } catch (AudioException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** Options for a pipeline and, for one-shot use, the inputs of one render. */
    public static final class Builder {
        private Path packDir;
        private final List<ExecutionProvider> providers = new ArrayList<>();
        private int threads;
        private FaceDetector detector;
        private GraphOptimization optimization = GraphOptimization.ALL;
        private Path modelCache;
        private boolean lowMemory;
        private PackLoadListener loading = PackLoadListener.NONE;
        /** The one-shot render's inputs and options; unused when the pipeline is only built. */
        private final RenderRequest.Builder request = RenderRequest.emptyBuilder();

        private Builder() {
        }

        /**
         * The portrait of a one-shot render.
         *
         * @param img the portrait; converted to 8-bit RGB
         * @return this builder
         */
        public Builder portrait(BufferedImage img) {
            request.portrait(img == null ? null : Portraits.toRgb(img));
            return this;
        }

        /**
         * The portrait of a one-shot render, read from a file as {@link EmoPipeline#readPortrait(Path)} does.
         *
         * @param file the image file
         * @return this builder
         */
        public Builder portrait(Path file) {
            request.portrait(readPortrait(file));
            return this;
        }

        /**
         * The voice of a one-shot render, read from a file as {@link EmoPipeline#readAudio} does.
         *
         * @param wav the audio file (WAV, AIFF, AU, FLAC, Ogg, WebM/Matroska, MP3, MP2 or M4A)
         * @return this builder
         */
        public Builder audio(Path wav) {
            request.audio(readAudio(wav));
            return this;
        }

        /**
         * The voice of a one-shot render.
         *
         * @param clip the voice, mono at any sample rate
         * @return this builder
         */
        public Builder audio(AudioClip clip) {
            request.audio(clip);
            return this;
        }

        /**
         * The face detector for portraits without a given face box: by default the pack's own, else
         * MediaPipe's BlazeFace (bundled). {@code HaarFaceDetector.frontalFace()} is OpenCV's Viola-Jones
         * cascade, which needs no ONNX Runtime but finds faces less reliably.
         *
         * @param d the detector, or {@code null} for the default
         * @return this builder
         */
        public Builder faceDetector(FaceDetector d) {
            this.detector = d;
            return this;
        }

        /**
         * A pack folder; without one the built-in procedural pack is used. {@code builtin:flow} is the
         * built-in procedural pack in the flow layout (a causal 3-D VAE, motion latents, flow samplers).
         *
         * @param dir the folder holding {@code manifest.json} and the components, or {@code builtin:flow}
         * @return this builder
         */
        public Builder pack(Path dir) {
            this.packDir = dir;
            return this;
        }

        /**
         * Execution providers in order of preference; the default is the CPU. The first that can be used
         * wins; the ones before it are logged as skipped, with the reason.
         *
         * @param preference providers, most wanted first
         * @return this builder
         */
        public Builder provider(ExecutionProvider... preference) {
            providers.clear();
            providers.addAll(List.of(preference));
            return this;
        }

        /**
         * Intra-op threads per ONNX Runtime session.
         *
         * @param n threads, or 0 for ONNX Runtime's default (all cores)
         * @return this builder
         */
        public Builder threads(int n) {
            if (n < 0) {
                throw new InvalidInputException("threads must not be negative: " + n);
            }
            this.threads = n;
            return this;
        }

        /**
         * How much ONNX Runtime optimises the pack's graphs (all optimisations by default).
         *
         * @param level the optimisation level
         * @return this builder
         */
        public Builder optimization(GraphOptimization level) {
            this.optimization = level == null ? GraphOptimization.ALL : level;
            return this;
        }

        /**
         * A folder that keeps optimised graphs between runs (TensorRT: engines and timings), so large packs
         * start faster the second time.
         *
         * @param dir the cache folder, created if needed
         * @return this builder
         * @throws InvalidInputException if {@code dir} is a file
         */
        public Builder modelCache(Path dir) {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new InvalidInputException(dir + ": model cache must be a folder, and this is a file");
            }
            this.modelCache = dir;
            return this;
        }

        /**
         * Gives back the memory of the networks a render needs only at its start (audio and image
         * encoders, vocal separator, face locator, a once-run ReferenceNet) as soon as they have run, at
         * the cost of loading them again for the next render. For GPUs with little memory; pair it with
         * {@link #modelCache} so that reloading is quick.
         *
         * @param on whether to free start-only networks after use
         * @return this builder
         */
        public Builder lowMemory(boolean on) {
            this.lowMemory = on;
            return this;
        }

        /**
         * Hears the pack's networks load, one by one, to show progress: a learned pack's can take minutes.
         *
         * @param listener the listener, or {@code null} for none
         * @return this builder
         */
        public Builder onLoad(PackLoadListener listener) {
            this.loading = listener == null ? PackLoadListener.NONE : listener;
            return this;
        }

        /**
         * Sets the options of a one-shot render, with the same names as everywhere:
         * {@code EmoPipeline.builder().portrait(img).audio(wav).options(o -> o.steps(8).seed(7)).render()}.
         *
         * @param set sets options on the request's builder
         * @return this builder
         * @throws InvalidInputException if {@code set} gives an option a value out of range
         */
        public Builder options(Consumer<RenderRequest.Builder> set) {
            set.accept(request);
            return this;
        }

        /**
         * Loads and checks the pack's networks: the returned pipeline renders many times, concurrently too,
         * and must be closed.
         *
         * @return the pipeline
         * @throws PackException if the pack is missing, malformed or fails its checks
         * @throws ProviderException if no execution provider of the preference list can be used
         */
        public EmoPipeline build() {
            List<ExecutionProvider> pref = providers.isEmpty() ? List.of(ExecutionProvider.CPU) : providers;
            return new EmoPipeline(EmoEngine.get().load(
                    new EmoEngine.Config(packDir, pref, threads, optimization, modelCache, lowMemory, detector, loading)));
        }

        /**
         * The request this builder describes, for {@link EmoPipeline#render(RenderRequest)}.
         *
         * @return the request
         * @throws InvalidInputException if no portrait or no voice was given
         */
        public RenderRequest request() {
            return request.build();
        }

        /**
         * One-shot: loads the models, renders, releases the models.
         *
         * @return the rendered video, in a temporary file until {@link Video#save}d
         * @throws InvalidInputException if an input or option cannot be rendered
         * @throws PackException if the pack fails its checks or at run time
         */
        public Video render() {
            RenderRequest req = request();
            try (EmoPipeline p = build()) {
                return p.render(req);
            }
        }
    }
}
