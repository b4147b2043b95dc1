package io.github.emo4j.examples;

import io.github.emo4j.CancelToken;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.HeadSpeed;
import io.github.emo4j.InitialNoise;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.MotionControl;
import io.github.emo4j.NoFaceException;
import io.github.emo4j.PackDescription;
import io.github.emo4j.PackException;
import io.github.emo4j.Preprocessing;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.SamplingSchedule;
import io.github.emo4j.TraceDirectory;
import io.github.emo4j.Video;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.AudioException;
import io.github.emo4j.audio.FeatureExtractor;
import io.github.emo4j.audio.FeatureKind;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceSelector;
import io.github.emo4j.video.AudioCodec;
import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.Mp4Writer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code emo} command line: {@code render}, {@code demo} and {@code info}. Errors print one line
 * (the stack trace only with {@code --verbose}) and exit non-zero: 2 for bad input, 1 otherwise.
 */
public final class EmoCli {

    static final String VERSION = "0.1.0-SNAPSHOT";
    private static final String USAGE = String.join("\n",
            "usage: emo <command> [options]      (emo <command> --help for this text)",
            "",
            "commands:",
            "  render --portrait FILE --audio FILE --out FILE.mp4 [options]",
            "                       animate a portrait with a voice",
            "  demo [--out FILE]    render the bundled sample to out/demo.mp4",
            "  live --portrait FILE --audio FILE --out FILE.mp4 [--as-fast-as-possible] [--clip-frames N] [options]",
            "                       a live session fed the voice in 20 ms chunks at real-time pace (or as fast as it",
            "                       takes them); prints the first-frame delay and the latency percentiles",
            "  serve [--port 8080] [--host 127.0.0.1] [--token T] [--pack DIR]",
            "                       a web page and an HTTP API (docs/server.md); beyond loopback only with a token",
            "  faces --portrait IMG [--annotate OUT.png] [--pack DIR] [--face-detector NAME]",
            "                       the faces a render would see, as JSON (the one it uses first); --annotate",
            "                       draws them",
            "  version              print emo4j's version (also --version)",
            "  info [--pack DIR]    version and execution providers; with --pack, load and check a pack and list\n"
            + "                       its settings and each component's tensors",
            "  schedule --config scheduler_config.json --steps N",
            "                       print a scheduler's timesteps and initial noise sigma as JSON",
            "  compare A B [--tolerance T]",
            "                       two trace folders (render --trace), tensor by tensor: largest and mean absolute\n"
            + "                       difference, worst first; exit 1 when one is above T (default 1e-4) or missing",
            "  batch --jobs FILE.csv --out DIR [--master local[N]] [--segment-seconds S] [options]",
            "                       render many jobs, and long voices as parallel segments, on Apache Spark",
            "                       (emo-spark; `emo batch --help` for its options)",
            "  features --audio FILE --kind KIND --out FILE.npy [--fps N]",
            "                       write audio features as a NumPy float32 array; KIND is one of",
            "                       whisper-logmel-80, whisper-logmel-128, wav2vec-input, waveform-16k, envelope",
            "",
            "render options:",
            "  --pack DIR           model pack folder (default: the built-in procedural pack)",
            "  --provider LIST      execution providers in order of preference, e.g. cuda:0,cpu (default cpu)",
            "  --steps N            sampling steps per clip (default: the pack's)",
            "  --scheduler NAME     ddim, euler, dpm++2m, dpm++2m-karras, ddpm or lcm on the pack's noise schedule\n"
            + "                       (default: the pack's)",
            "  --guidance S         classifier-free guidance scale; 1 or less turns it off (default: the pack's)",
            "  --reference-guidance R  separate reference guidance; --guidance then scales the audio alone",
            "  --guidance-rescale P guidance rescale 0..1, against over-saturation at high guidance (default 0)",
            "  --seed N             seed of the initial noise (default 42)",
            "  --fps N              output frame rate (default: the pack's, 25 for the built-in pack)",
            "  --face X,Y,W,H       face box in portrait pixels (default: detected)",
            "  --face-index N       with several faces, use the N-th as `emo faces` lists them (default 0: the largest)",
            "  --face-detector NAME blazeface (default: MediaPipe's, bundled) or viola-jones (OpenCV's cascade)",
            "  --motion P,E,L       pose, expression and lip motion strength, 0..4 (default 1,1,1)",
            "  --head-speed T:S,..  head speed over time for packs with speed layers, e.g. 0:0.3,4:1.5",
            "  --threads N          ONNX Runtime threads per session (default: all cores)",
            "  --model-cache DIR    keep optimised graphs (TensorRT: engines) in DIR, so packs start faster next time",
            "  --low-memory         free the networks used only at a render's start once they have run",
            "  --quality QP         H.264 quantiser of what moves, 10 (best) to 29 (smallest file), default 26;",
            "                       key frames, which hold the still background, are 10 finer (at least 10)",
            "  --key-interval N     frames between key frames (default 250: seeking to every 10 s)",
            "  --audio-codec C      aac (default) or pcm",
            "  --background RRGGBB  colour under transparent portrait pixels (default ffffff)",
            "  --frames DIR         also write every frame, as it goes to the encoder, as DIR/frame-000001.png, ...",
            "  --trace DIR          write every tensor between the stages to DIR as .npy, with DIR/index.json",
            "  --noise DIR          start clip N from DIR/clip-000N.npy ([1,C,F,h,w] standard normal) or a trace's noise",
            "  --inputs DIR         use DIR's face_crop, face_image, face_mask and <kind>_mask_<level> .npy files",
            "                       (or a trace's) instead of deriving them",
            "  --verbose            debug logging, and stack traces on errors",
            "  --quiet              no progress bar",
            "",
            "exit status: 0 done; 2 bad input (a file, a pack, an option, or an output that cannot be written);",
            "1 a fault of emo4j itself; 130 interrupted (143 terminated). On any failure no file is left at --out.");

    /** The progress bar on screen, if any, for the shutdown hook to end its line. */
    private static volatile ProgressBar activeBar;

    private EmoCli() {
    }

    public static void main(String[] args) {
        CancelToken cancel = new CancelToken();
        CountDownLatch finished = new CountDownLatch(1);
        // a server is stopped, not interrupted: it wrote no output of its own, and deletes what its renders wrote
        String said = args.length > 0 && args[0].equals("serve") ? "emo: stopped; the server's renders were cancelled "
                + "and its files deleted" : "emo: interrupted; no output was written";
        Thread hook = new Thread(() -> {
            // Ctrl-C or SIGTERM: stop the render, let it remove its partial file, and say so once
            cancel.cancel();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            PartFiles.deleteAll();
            ProgressBar bar = activeBar;
            if (bar != null) {
                bar.done();
            }
            System.err.println(said);
        }, "emo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run(args, System.out, System.err, cancel);
        finished.countDown();
        if (cancel.isCancelled()) {
            return; // the hook reports it; the JVM ends with the signal's status
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit(code);
    }

    /** Runs a command and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, null);
    }

    /** Runs a command, stopping a render when {@code cancel} is cancelled, and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, CancelToken cancel) {
        if (args.length > 0 && args[0].equals("batch")) {
            // Spark is not in this jar: the ./emo launcher runs emo-spark's BatchCli for this command
            err.println("emo: batch runs on Apache Spark: run it through the ./emo launcher, or spark-submit --class "
                    + "io.github.emo4j.spark.BatchCli with the emo-spark jar");
            return 2;
        }
        Args a;
        try {
            a = Args.parse(args);
        } catch (InvalidInputException e) {
            err.println("emo: " + e.getMessage());
            return 2;
        }
        if (a.flag("help")) {
            out.println(USAGE);
            return 0;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", a.flag("verbose") ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (a.flag("verbose")) {
            System.setProperty("emo4j.onnxruntime.log", "warning");
        }
        try {
            switch (a.command) {
                case "render" -> render(a, err, cancel);
                case "demo" -> demo(a, err, cancel);
                case "live" -> Live.run(a, err, cancel);
                case "serve" -> Serve.run(a, err, cancel);
                case "info" -> {
                    info(out);
                    if (a.has("pack")) {
                        describePack(Path.of(a.value("pack", "")), providers(a), out);
                    }
                }
                case "features" -> features(a, err);
                case "faces" -> Faces.print(a, out);
                case "schedule" -> schedule(a, out);
                case "compare" -> {
                    if (a.positional.size() != 2) {
                        throw new InvalidInputException("compare needs two trace folders: emo compare A B [--tolerance T]");
                    }
                    double tolerance = a.has("tolerance") ? a.doubleValue("tolerance") : 1e-4;
                    if (!(tolerance >= 0)) {
                        throw new InvalidInputException("--tolerance must be 0 or more: " + tolerance);
                    }
                    return Compare.run(Path.of(a.positional.get(0)), Path.of(a.positional.get(1)), tolerance, out);
                }
                case "help", "--help", "-h" -> out.println(USAGE);
                case "version", "--version", "-V" -> out.println("emo4j " + VERSION);
                default -> throw new InvalidInputException("unknown command '" + a.command + "'\n" + USAGE);
            }
            return 0;
        } catch (InterruptedException e) {
            return 130;
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            if (e instanceof RenderCancelledException && cancel != null && cancel.isCancelled()) {
                return 130; // the shutdown hook says so, once
            }
            report(err, e, a.flag("verbose"));
            return exitCode(e);
        }
    }

    /** 2 for what the user or the pack got wrong, 130 for a cancelled render, 1 for emo4j's own faults. */
    static int exitCode(Throwable e) {
        if (e instanceof RenderCancelledException) {
            return 130;
        }
        // bad input of any kind and a broken pack are told apart from emo4j's own faults by type alone
        if (e instanceof InvalidInputException || e instanceof PackException) {
            return 2;
        }
        return 1;
    }

    private static void report(PrintStream err, Throwable e, boolean verbose) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        err.println("emo: " + msg.lines().findFirst().orElse(msg));
        if (verbose) {
            e.printStackTrace(err);
        }
    }

    private static void info(PrintStream out) {
        out.println("emo4j " + VERSION);
        out.println("java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        List<String> names = new ArrayList<>();
        for (ExecutionProvider p : EmoPipeline.availableProviders()) {
            names.add(p.kind().name().toLowerCase(Locale.ROOT));
        }
        out.println("execution providers available: " + String.join(", ", names));
        out.println("GPU providers need com.microsoft.onnxruntime:onnxruntime_gpu (build with -Pgpu); see README.");
    }

    private static List<ExecutionProvider> providers(Args a) {
        List<ExecutionProvider> ps = new ArrayList<>();
        for (String p : a.value("provider", "cpu").split(",", -1)) {
            if (p.isBlank()) {
                throw new InvalidInputException("--provider: an empty name in '" + a.value("provider", "") + "'");
            }
            try {
                ps.add(ExecutionProvider.parse(p));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--provider: " + e.getMessage(), e);
            }
        }
        return ps;
    }

    /** Loads a pack as a render would (so every check runs) and lists what it declares. */
    private static void describePack(Path dir, List<ExecutionProvider> providers, PrintStream out) {
        try (EmoPipeline p = EmoPipeline.builder().pack(dir).provider(providers.toArray(ExecutionProvider[]::new))
                .threads(1).build()) {
            PackDescription d = p.describePack();
            out.println("pack " + d.name() + " (" + dir + "), loaded and checked on " + d.provider());
            if (!d.description().isEmpty()) {
                out.println("  " + d.description());
            }
            out.println("family: " + d.family());
            out.println("settings: " + String.join(", ", d.settings()));
            out.println("scheduler: " + d.scheduler());
            for (PackDescription.Component c : d.components()) {
                out.println(c.role() + " (" + c.file() + ")");
                c.inputs().forEach(t -> out.println("  in  " + t));
                c.outputs().forEach(t -> out.println("  out " + t));
            }
        }
    }

    private static void demo(Args a, PrintStream err, CancelToken cancel) throws IOException {
        Path out = Path.of(a.value("out", "out/demo.mp4"));
        Path dir = Files.createTempDirectory("emo4j-demo");
        try {
            Path portrait = extract("portrait-astronaut.png", dir);
            Path audio = extract("speech-sample.wav", dir);
            Args withInputs = a.with("portrait", portrait.toString()).with("audio", audio.toString()).with("out", out.toString());
            render(withInputs, err, cancel);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Path extract(String name, Path dir) throws IOException {
        try (InputStream in = EmoCli.class.getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IOException("bundled sample " + name + " is missing from the jar");
            }
            Path p = dir.resolve(name);
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }

    private static void schedule(Args a, PrintStream out) {
        Path config = Path.of(a.required("config"));
        int steps = a.intValue("steps", 0, 1, 1000);
        if (steps == 0) {
            throw new InvalidInputException("missing --steps");
        }
        out.print(SamplingSchedule.of(config, steps).toJson());
    }

    private static void features(Args a, PrintStream err) throws IOException {
        Path audio = Path.of(a.required("audio"));
        Path out = Path.of(a.required("out")).toAbsolutePath();
        FeatureKind kind;
        try {
            kind = FeatureKind.parse(a.required("kind"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--kind: " + e.getMessage());
        }
        double fps = a.has("fps") ? a.doubleValue("fps") : 25;
        if (!(fps > 0 && fps <= 240)) {
            throw new InvalidInputException("--fps must be between 0 and 240: " + fps);
        }
        Inputs.refuseOverwrite("out", out, "audio", audio.toString());
        if (Files.isDirectory(out)) {
            throw new InvalidInputException(out + ": is a folder; give the features a file name");
        }
        Path part;
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            part = PartFiles.beside(out);
        } catch (IOException e) {
            throw new InvalidInputException(out + ": cannot write there: " + e.getMessage(), e);
        }
        try {
            long[] shape = new FeatureExtractor(kind, fps).writeNpy(audio, part);
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            err.println("wrote " + out + ": " + kind.cliName() + " " + Arrays.toString(shape) + " float32");
        } catch (AudioException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } finally {
            PartFiles.delete(part);
        }
    }

    private static void render(Args a, PrintStream err, CancelToken cancel) {
        Path portraitFile = Path.of(a.required("portrait"));
        Path audioFile = Path.of(a.required("audio"));
        Path out = Path.of(a.required("out"));
        if (out.getFileName() == null || !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4")) {
            throw new InvalidInputException(out + ": output must be an .mp4 file");
        }
        Inputs.refuseOverwrite("out", out, "portrait", portraitFile.toString(), "audio", audioFile.toString());
        if (Files.isDirectory(out)) {
            throw new InvalidInputException(out + ": is a folder; give the video a file name");
        }
        int background = 0xFFFFFF;
        if (a.has("background")) {
            try {
                background = Integer.parseInt(a.value("background", "").replace("#", ""), 16) & 0xFFFFFF;
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--background must be a colour as RRGGBB: '" + a.value("background", "") + "'");
            }
        }
        BufferedImage portrait = EmoPipeline.readPortrait(portraitFile, background);
        AudioClip audio = EmoPipeline.readAudio(audioFile);
        int fpsOption = a.intValue("fps", 0, 1, 120);
        RenderRequest.Builder req = RenderRequest.builder(portrait, audio)
                .steps(a.intValue("steps", 0, 1, 1000))
                .seed(a.longValue("seed", 42))
                .fps(fpsOption);
        if (a.has("guidance")) {
            req.guidance(a.doubleValue("guidance"));
        }
        if (a.has("reference-guidance")) {
            req.referenceGuidance(a.doubleValue("reference-guidance"));
        }
        if (a.has("guidance-rescale")) {
            req.guidanceRescale(a.doubleValue("guidance-rescale"));
        }
        FaceBox face = null;
        if (a.has("face")) {
            try {
                face = FaceBox.parse(a.value("face", ""));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--face: " + e.getMessage());
            }
            req.face(face);
        }
        MotionControl motion = a.has("motion") ? MotionControl.parse(a.value("motion", "")) : MotionControl.NATURAL;
        if (a.has("scheduler")) {
            req.scheduler(a.value("scheduler", ""));
        }
        if (a.has("head-speed")) {
            motion = motion.withHeadSpeed(HeadSpeed.parse(a.value("head-speed", "")));
        }
        req.motion(motion);
        try {
            EncodingOptions enc = EncodingOptions.DEFAULT
                    .withQp(a.intValue("quality", Mp4Writer.DEFAULT_QP, Mp4Writer.MIN_QP, Mp4Writer.MAX_QP))
                    .withKeyInterval(a.intValue("key-interval", EncodingOptions.DEFAULT.keyInterval(), 1, 600));
            if (a.has("audio-codec")) {
                enc = enc.withAudioCodec(AudioCodec.valueOf(a.value("audio-codec", "aac").toUpperCase(Locale.ROOT)));
            }
            if (a.has("frames")) {
                Path frames = Path.of(a.value("frames", ""));
                if (Files.exists(frames)) {
                    throw new InvalidInputException(frames + ": --frames needs a folder that does not exist yet");
                }
                enc = enc.withFrames(frames);
            }
            req.encoding(enc);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--audio-codec must be aac or pcm: '" + a.value("audio-codec", "") + "'");
        }
        EmoPipeline.Builder b = EmoPipeline.builder().threads(a.intValue("threads", 0, 1, 256))
                .faceDetector(Faces.detector(a));
        if (a.has("model-cache")) {
            b.modelCache(Path.of(a.value("model-cache", "")));
        }
        b.lowMemory(a.flag("low-memory"));
        if (a.has("pack")) {
            b.pack(Path.of(a.value("pack", "")));
        }
        if (a.has("provider")) {
            b.provider(providers(a).toArray(new ExecutionProvider[0]));
        }
        if (cancel != null) {
            req.cancel(cancel);
        }
        if (a.has("noise")) {
            req.initialNoise(InitialNoise.fromDirectory(Path.of(a.value("noise", ""))));
        }
        if (a.has("inputs")) {
            req.preprocessing(Preprocessing.fromDirectory(Path.of(a.value("inputs", ""))));
        }
        TraceDirectory trace = a.has("trace") ? traceDirectory(Path.of(a.value("trace", ""))) : null;
        if (trace != null) {
            req.trace(trace);
        }
        ProgressBar bar = a.flag("quiet") ? null : new ProgressBar(err);
        activeBar = bar;
        if (bar != null) {
            req.progress(bar);
        }
        long t0 = System.nanoTime();
        try (EmoPipeline emo = b.build()) {
            int fps = fpsOption > 0 ? fpsOption : emo.packInfo().fps();
            if (Math.round(audio.durationSeconds() * fps) < 1) {
                throw new InvalidInputException(String.format(Locale.ROOT, "%s: audio is too short (%.3f s) for one frame at %d fps",
                        audioFile, audio.durationSeconds(), fps));
            }
            if (face != null) {
                try {
                    emo.locateFace(portrait, face);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(portraitFile + ": " + e.getMessage(), e);
                }
            }
            req.faceSelector(FaceSelector.index(a.intValue("face-index", 0, 0, 1000)));
            Video o;
            try {
                o = emo.render(req.build(), out);
            } catch (NoFaceException e) {
                throw new InvalidInputException(portraitFile + ": " + e.getMessage(), e);
            }
            if (bar != null) {
                bar.done();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "wrote %s: %d frames, %dx%d at %d fps, %.1f s of video in %.1f s (%.2f s per second of audio)%n",
                    out, o.frameCount(), o.width(), o.height(), o.fps(), o.frameCount() / (double) o.fps(), secs,
                    secs / audio.durationSeconds());
        } finally {
            if (bar != null) {
                bar.done();
            }
            if (trace != null) {
                try {
                    trace.close();
                } catch (IOException e) {
                    err.println("emo: " + a.value("trace", "") + ": cannot write index.json: " + e.getMessage());
                }
            }
        }
    }

    /** A trace folder that is new or empty, so that no earlier trace mixes into it. */
    private static TraceDirectory traceDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new InvalidInputException(dir + ": --trace needs a new or empty folder");
                    }
                }
            }
            return new TraceDirectory(dir);
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": cannot create the trace folder: " + e.getMessage(), e);
        }
    }
}
