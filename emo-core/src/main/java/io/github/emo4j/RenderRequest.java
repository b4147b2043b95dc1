package io.github.emo4j;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceSelector;
import io.github.emo4j.sched.Schedulers;
import io.github.emo4j.video.EncodingOptions;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One render: a portrait, a voice, and how to animate them. Immutable; made by a {@link Builder}, and
 * changed by {@link #toBuilder()}:
 *
 * <pre>{@code
 * RenderRequest req = RenderRequest.builder(portrait, voice).steps(8).seed(7).build();
 * RenderRequest again = req.toBuilder().seed(8).build();
 * }</pre>
 *
 * <p>The options are grouped by concern: what the video shows (face, motion, frame rate, time offset)
 * here, how each clip is sampled in {@link #sampling()}, how the MP4 is written in {@link #encoding()},
 * and what the caller plugs in to watch, stop or reproduce the render in {@link #hooks()}. How the
 * networks are loaded and run (pack, provider, threads) is the pipeline's, not a request's. Each option
 * has one name, used by the builder's setter and by its getter.
 */
public final class RenderRequest {

    /** The sampling algorithms a request may switch to, by name. */
    public static final List<String> SCHEDULERS = Schedulers.NAMES;

    private final BufferedImage portrait;
    private final AudioClip audio;
    private final FaceBox face;
    private final FaceSelector faceSelector;
    private final MotionControl motion;
    private final int fps;
    private final int clipFrames;
    private final int firstClipFrames;
    private final double timeOffset;
    private final Path pose;
    private final String prompt;
    private final String negativePrompt;
    private final Sampling sampling;
    private final EncodingOptions encoding;
    private final RenderHooks hooks;

    private RenderRequest(Builder b) {
        this.portrait = b.portrait;
        this.audio = b.audio;
        this.face = b.face;
        this.faceSelector = b.faceSelector;
        this.motion = b.motion;
        this.fps = b.fps;
        this.clipFrames = b.clipFrames;
        this.firstClipFrames = b.firstClipFrames;
        this.timeOffset = b.timeOffset;
        this.pose = b.pose;
        this.prompt = b.prompt;
        this.negativePrompt = b.negativePrompt;
        this.sampling = new Sampling(b.steps, b.guidance, b.referenceGuidance, b.guidanceRescale, b.scheduler, b.seed);
        this.encoding = b.encoding;
        this.hooks = new RenderHooks(b.progress, b.cancel, b.initialNoise, b.trace, b.preprocessing);
    }

    /**
     * A request with every option at its default: the pack's steps, guidance and frame rate, the face
     * detected, seed 42, natural motion.
     *
     * @param portrait the portrait, as {@link EmoPipeline#readPortrait} returns it
     * @param audio    the voice, mono at any sample rate
     * @return the request
     * @throws InvalidInputException if either is {@code null}
     */
    public static RenderRequest of(BufferedImage portrait, AudioClip audio) {
        return builder(portrait, audio).build();
    }

    /**
     * A builder for a request on {@code portrait} and {@code audio}, every option at its default.
     *
     * @param portrait the portrait, as {@link EmoPipeline#readPortrait} returns it
     * @param audio    the voice, mono at any sample rate
     * @return the builder
     * @throws InvalidInputException if either is {@code null}
     */
    public static Builder builder(BufferedImage portrait, AudioClip audio) {
        return new Builder().portrait(portrait).audio(audio);
    }

    /**
     * A builder for a live request on {@code portrait}: no voice, which a live session takes as it arrives
     * ({@link EmoPipeline#live}).
     *
     * @param portrait the portrait, as {@link EmoPipeline#readPortrait} returns it
     * @return the builder
     * @throws InvalidInputException if {@code portrait} is {@code null}
     */
    public static Builder live(BufferedImage portrait) {
        Builder b = new Builder().portrait(portrait);
        b.live = true;
        return b;
    }

    /** A builder with no portrait or voice yet, for the pipeline's one-shot builder. */
    static Builder emptyBuilder() {
        return new Builder();
    }

    /**
     * A builder holding this request's values, to make a changed copy.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The portrait.
     *
     * @return the portrait, any size within the pixel limit
     */
    public BufferedImage portrait() {
        return portrait;
    }

    /**
     * The voice.
     *
     * @return the voice, mono at any sample rate; {@code null} for a live request, whose voice arrives
     *         through its session
     */
    public AudioClip audio() {
        return audio;
    }

    /**
     * The face box.
     *
     * @return the face in portrait pixels, or {@code null} to detect it
     */
    public FaceBox face() {
        return face;
    }

    /**
     * Which detected face to animate when {@link #face()} is {@code null}.
     *
     * @return the selector; the largest face by default
     */
    public FaceSelector faceSelector() {
        return faceSelector;
    }

    /**
     * How strongly the head, the expression and the lips move, and the head-speed curve.
     *
     * @return the motion; {@link MotionControl#NATURAL} by default
     */
    public MotionControl motion() {
        return motion;
    }

    /**
     * The output frame rate.
     *
     * @return frames per second, 1 to 120, or 0 for the pack's
     */
    public int fps() {
        return fps;
    }

    /**
     * Frames per clip (EMO's f), when the pack's denoiser takes any number: fewer frames a clip make a live
     * stream's first frame come sooner.
     *
     * @return frames per clip, or 0 for the pack's
     */
    public int clipFrames() {
        return clipFrames;
    }

    /**
     * Frames of the first clip, when it is shorter than the rest: a live stream's first frame then waits
     * for less voice, while the later clips keep the length that makes them cheaper per frame
     * (docs/live.md). Packs whose denoiser takes any number of frames only.
     *
     * @return frames of the first clip, or 0 for the same as the others
     */
    public int firstClipFrames() {
        return firstClipFrames;
    }

    /**
     * Where this voice begins on a longer timeline: frame times and the head-speed curve count from
     * there, so segments of one long voice, rendered apart (as emo-spark does), move as the whole would.
     *
     * @return seconds, 0 to 24 hours; 0 for a video of its own
     */
    public double timeOffset() {
        return timeOffset;
    }

    /**
     * A pose video that drives the head and body, for a pack whose denoiser takes {@code pose_latents}
     * (Wan2.2-S2V): its frames from the first, taken at the render's frame rate as Wan takes them, square
     * centre crops at the pack's resolution, encoded per clip. Past its end, frames are black.
     *
     * @return the H.264 MP4, or {@code null} for none (the pack's pose latents are then zeros, as Wan's are)
     */
    public Path pose() {
        return pose;
    }

    /**
     * What the video shows, in words, for a pack with a text encoder (Wan2.2-S2V's umT5): encoded at the
     * start of the render, as the pack's tokenizer and text encoder make it.
     *
     * @return the prompt, or {@code null} for the pack's own (its stored prompt embeddings, or the
     *         prompt its settings name)
     */
    public String prompt() {
        return prompt;
    }

    /**
     * What the video should not show, for the unconditional guidance branch of a pack with a text encoder.
     *
     * @return the negative prompt, or {@code null} for the pack's own
     */
    public String negativePrompt() {
        return negativePrompt;
    }

    /**
     * How each clip is sampled: steps, guidance, algorithm and seed.
     *
     * @return the sampling options
     */
    public Sampling sampling() {
        return sampling;
    }

    /**
     * How the MP4 is encoded: H.264 quality, key frames, the audio codec, and an optional PNG folder.
     *
     * @return the encoding options
     */
    public EncodingOptions encoding() {
        return encoding;
    }

    /**
     * What the caller plugged in: progress, cancellation and the parity hooks.
     *
     * @return the hooks
     */
    public RenderHooks hooks() {
        return hooks;
    }

    /**
     * Sets a request's options; every setter checks its value at once and names the option it refuses.
     * Not thread-safe; {@link #build} may be called many times.
     */
    public static final class Builder {
        private BufferedImage portrait;
        private AudioClip audio;
        private FaceBox face;
        private FaceSelector faceSelector = FaceSelector.largest();
        private MotionControl motion = MotionControl.NATURAL;
        private int fps;
        private int clipFrames;
        private int firstClipFrames;
        private boolean live;
        private double timeOffset;
        private Path pose;
        private String prompt;
        private String negativePrompt;
        private int steps;
        private double guidance = Double.NaN;
        private double referenceGuidance = Double.NaN;
        private double guidanceRescale;
        private String scheduler;
        private long seed = Sampling.DEFAULTS.seed();
        private EncodingOptions encoding = EncodingOptions.DEFAULT;
        private ProgressListener progress = ProgressListener.NONE;
        private CancelToken cancel;
        private InitialNoise initialNoise;
        private TraceListener trace;
        private Preprocessing preprocessing = Preprocessing.NONE;

        private Builder() {
        }

        private Builder(RenderRequest r) {
            portrait = r.portrait;
            audio = r.audio;
            face = r.face;
            faceSelector = r.faceSelector;
            motion = r.motion;
            fps = r.fps;
            clipFrames = r.clipFrames;
            firstClipFrames = r.firstClipFrames;
            live = r.audio == null;
            timeOffset = r.timeOffset;
            pose = r.pose;
            prompt = r.prompt;
            negativePrompt = r.negativePrompt;
            steps = r.sampling.steps();
            guidance = r.sampling.guidance();
            referenceGuidance = r.sampling.referenceGuidance();
            guidanceRescale = r.sampling.guidanceRescale();
            scheduler = r.sampling.scheduler();
            seed = r.sampling.seed();
            encoding = r.encoding;
            progress = r.hooks.progress();
            cancel = r.hooks.cancel();
            initialNoise = r.hooks.initialNoise();
            trace = r.hooks.trace();
            preprocessing = r.hooks.preprocessing();
        }

        /**
         * The portrait.
         *
         * @param p the portrait, any size within the pixel limit
         * @return this builder
         * @throws InvalidInputException if {@code p} is {@code null}
         */
        public Builder portrait(BufferedImage p) {
            if (p == null) {
                throw new InvalidInputException("portrait: none given");
            }
            this.portrait = p;
            return this;
        }

        /**
         * The voice.
         *
         * @param a the voice, mono at any sample rate
         * @return this builder
         * @throws InvalidInputException if {@code a} is {@code null}
         */
        public Builder audio(AudioClip a) {
            if (a == null) {
                throw new InvalidInputException("audio: none given");
            }
            this.audio = a;
            return this;
        }

        /**
         * The face box, instead of detecting it.
         *
         * @param f the face in portrait pixels, or {@code null} to detect it
         * @return this builder
         */
        public Builder face(FaceBox f) {
            this.face = f;
            return this;
        }

        /**
         * Which detected face to animate when no face box is given.
         *
         * @param s e.g. {@link FaceSelector#index}; {@code null} for the largest
         * @return this builder
         */
        public Builder faceSelector(FaceSelector s) {
            this.faceSelector = s == null ? FaceSelector.largest() : s;
            return this;
        }

        /**
         * How strongly the head, the expression and the lips move.
         *
         * @param m the motion; {@code null} for {@link MotionControl#NATURAL}
         * @return this builder
         */
        public Builder motion(MotionControl m) {
            this.motion = m == null ? MotionControl.NATURAL : m;
            return this;
        }

        /**
         * The output frame rate.
         *
         * @param f frames per second, 1 to 120, or 0 for the pack's
         * @return this builder
         * @throws InvalidInputException if {@code f} is out of range
         */
        public Builder fps(int f) {
            if (f < 0 || f > 120) {
                throw new InvalidInputException("fps must be between 1 and 120, or 0 for the pack's: " + f);
            }
            this.fps = f;
            return this;
        }

        /**
         * Frames per clip, for packs whose denoiser takes any number (the built-in pack's does).
         *
         * @param f 1 to 64, or 0 for the pack's
         * @return this builder
         * @throws InvalidInputException if {@code f} is out of range
         */
        public Builder clipFrames(int f) {
            if (f < 0 || f > 64) {
                throw new InvalidInputException("clipFrames must be between 1 and 64, or 0 for the pack's: " + f);
            }
            this.clipFrames = f;
            return this;
        }

        /**
         * Frames of the first clip, fewer than the others', for packs whose denoiser takes any number; see
         * {@link RenderRequest#firstClipFrames()}. A render with it equals a live session with it.
         *
         * @param f 1 to 64, or 0 for the same as the other clips
         * @return this builder
         * @throws InvalidInputException if {@code f} is out of range
         */
        public Builder firstClipFrames(int f) {
            if (f < 0 || f > 64) {
                throw new InvalidInputException("firstClipFrames must be between 1 and 64, or 0 for the same as "
                        + "the other clips: " + f);
            }
            this.firstClipFrames = f;
            return this;
        }

        /**
         * Where this voice begins on a longer timeline; see {@link RenderRequest#timeOffset()}.
         *
         * @param seconds 0 to 24 hours
         * @return this builder
         * @throws InvalidInputException if {@code seconds} is out of range
         */
        public Builder timeOffset(double seconds) {
            if (!(seconds >= 0 && seconds <= 86_400)) {
                throw new InvalidInputException("time offset must be between 0 and 86400 seconds: " + seconds);
            }
            this.timeOffset = seconds;
            return this;
        }

        /**
         * A pose video; see {@link RenderRequest#pose()}.
         *
         * @param video an H.264 MP4, or {@code null} for none
         * @return this builder
         * @throws InvalidInputException if {@code video} is not a readable file
         */
        public Builder pose(Path video) {
            if (video != null && !(Files.isRegularFile(video) && Files.isReadable(video))) {
                throw new InvalidInputException("pose: " + video + " is not a readable file");
            }
            this.pose = video;
            return this;
        }

        /**
         * The prompt; see {@link RenderRequest#prompt()}.
         *
         * @param text up to {@value #MAX_PROMPT_CHARS} characters, or {@code null} for the pack's own
         * @return this builder
         * @throws InvalidInputException if {@code text} is longer
         */
        public Builder prompt(String text) {
            this.prompt = promptText("prompt", text);
            return this;
        }

        /**
         * The negative prompt; see {@link RenderRequest#negativePrompt()}.
         *
         * @param text up to {@value #MAX_PROMPT_CHARS} characters, or {@code null} for the pack's own
         * @return this builder
         * @throws InvalidInputException if {@code text} is longer
         */
        public Builder negativePrompt(String text) {
            this.negativePrompt = promptText("negativePrompt", text);
            return this;
        }

        /** Characters a prompt may have: a text encoder keeps a few hundred tokens (umT5 in Wan: 512) of it. */
        public static final int MAX_PROMPT_CHARS = 10_000;

        private static String promptText(String option, String text) {
            if (text != null && text.length() > MAX_PROMPT_CHARS) {
                throw new InvalidInputException(option + ": " + text.length() + " characters; at most " + MAX_PROMPT_CHARS
                        + " (the text encoder keeps its first few hundred tokens)");
            }
            return text;
        }

        /**
         * Sampling steps per clip; see {@link Sampling#steps()}.
         *
         * @param n 1 to 1000, or 0 for the pack's default
         * @return this builder
         * @throws InvalidInputException if {@code n} is out of range
         */
        public Builder steps(int n) {
            if (n < 0 || n > 1000) {
                throw new InvalidInputException("steps must be between 1 and 1000, or 0 for the pack's default: " + n);
            }
            this.steps = n;
            return this;
        }

        /**
         * The classifier-free guidance scale; see {@link Sampling#guidance()}.
         *
         * @param g 0 to 50, or {@code NaN} for the pack's default
         * @return this builder
         * @throws InvalidInputException if {@code g} is out of range
         */
        public Builder guidance(double g) {
            this.guidance = scale("guidance", g);
            return this;
        }

        /**
         * Separate reference guidance; see {@link Sampling#referenceGuidance()}.
         *
         * @param r 0 to 50, or {@code NaN} for plain guidance
         * @return this builder
         * @throws InvalidInputException if {@code r} is out of range
         */
        public Builder referenceGuidance(double r) {
            this.referenceGuidance = scale("reference guidance", r);
            return this;
        }

        /**
         * Guidance rescale; see {@link Sampling#guidanceRescale()}.
         *
         * @param phi 0 to 1
         * @return this builder
         * @throws InvalidInputException if {@code phi} is out of range
         */
        public Builder guidanceRescale(double phi) {
            if (!(phi >= 0 && phi <= 1)) {
                throw new InvalidInputException("guidance rescale must be between 0 and 1: " + phi);
            }
            this.guidanceRescale = phi;
            return this;
        }

        /**
         * Another sampling algorithm on the pack's noise schedule.
         *
         * @param name one of {@link RenderRequest#SCHEDULERS} (e.g. {@code dpm++2m-karras}, which gets by
         *             with fewer steps than DDIM), or {@code null} for the pack's own
         * @return this builder
         * @throws InvalidInputException if the name is unknown
         */
        public Builder scheduler(String name) {
            if (name != null && !SCHEDULERS.contains(name)) {
                throw new InvalidInputException("unknown scheduler '" + name + "' (known: " + String.join(", ", SCHEDULERS) + ")");
            }
            this.scheduler = name;
            return this;
        }

        /**
         * The seed of the initial noise; the same seed gives the same video.
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * How the MP4 is encoded.
         *
         * @param e H.264 quality, key frames, audio codec and PNG folder; {@code null} for the defaults
         * @return this builder
         */
        public Builder encoding(EncodingOptions e) {
            this.encoding = e == null ? EncodingOptions.DEFAULT : e;
            return this;
        }

        /**
         * Where progress goes; see {@link Progress}.
         *
         * @param l the listener, or {@code null} for none
         * @return this builder
         */
        public Builder progress(ProgressListener l) {
            this.progress = l == null ? ProgressListener.NONE : l;
            return this;
        }

        /**
         * A token another thread may cancel the render with.
         *
         * @param t the token, or {@code null}
         * @return this builder
         */
        public Builder cancel(CancelToken t) {
            this.cancel = t;
            return this;
        }

        /**
         * Each clip's initial noise instead of the seed's: the way to reproduce another implementation's
         * render exactly. The seed still drives anything else random.
         *
         * @param noise each clip's standard-normal noise, or {@code null} to draw it from the seed
         * @return this builder
         */
        public Builder initialNoise(InitialNoise noise) {
            this.initialNoise = noise;
            return this;
        }

        /**
         * Hands every named tensor between the stages to {@code t}: producer outputs, each clip's
         * conditions and initial noise, each step's sample, prediction, guided prediction and latents,
         * and the decoded frames. {@link TraceDirectory} writes them as {@code .npy} files.
         *
         * @param t the listener, or {@code null} for none
         * @return this builder
         */
        public Builder trace(TraceListener t) {
            this.trace = t;
            return this;
        }

        /**
         * Preprocessing results (face crop, face image, masks) to use instead of deriving them.
         *
         * @param given the tensors, or {@code null} for none
         * @return this builder
         */
        public Builder preprocessing(Preprocessing given) {
            this.preprocessing = Objects.requireNonNullElse(given, Preprocessing.NONE);
            return this;
        }

        /** A guidance scale: 0 to 50, or NaN for the default. */
        private static double scale(String option, double v) {
            if (!Double.isNaN(v) && !(v >= 0 && v <= 50)) {
                throw new InvalidInputException(option + " must be between 0 and 50: " + v);
            }
            return v;
        }

        /**
         * The request.
         *
         * @return the request
         * @throws InvalidInputException if no portrait or no voice was given
         */
        public RenderRequest build() {
            if (portrait == null) {
                throw new InvalidInputException("portrait: none given");
            }
            if (audio == null && !live) {
                throw new InvalidInputException("audio: none given");
            }
            if (audio != null && live) {
                throw new InvalidInputException("audio: a live request takes its voice through its session, not here");
            }
            return new RenderRequest(this);
        }
    }
}
