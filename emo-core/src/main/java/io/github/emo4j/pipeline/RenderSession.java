package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.PackException;
import io.github.emo4j.Progress;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderStats;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.TensorPool;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.LatentLayout;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.Role;
import io.github.emo4j.sched.Scheduler;
import io.github.emo4j.video.FrameSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One render, following EMO's method top to bottom, as a session that takes the voice in pieces and
 * makes each clip as soon as the voice under it has arrived:
 *
 * <ol>
 *   <li>on opening, {@link RenderPlan}: frame rate, clip layout, guidance branches and the sampler;
 *       {@link PortraitFraming}: the face found and cropped at the pack's resolution;
 *       {@link ReferenceStage}: identity tokens, the portrait's latents, the ReferenceNet's banks and the
 *       face locator's features, once per render;</li>
 *   <li>as voice arrives ({@link #feed}), {@link AudioConditioning}: the voice (after a vocal separator,
 *       where the pack has one) becomes per-frame audio features with ±m neighbours;</li>
 *   <li>clip by clip, once its voice is there: {@link DenoiserInputs} writes the clip's conditions
 *       (audio windows, motion frames, head speed), {@link ClipSampler} denoises the clip's seeded noise
 *       with guidance, and {@link DecodeStage} decodes it, pastes it back into the portrait and streams
 *       it to the frame sink while the next clip is denoised;</li>
 *   <li>{@link #finish}: the voice is complete, the last clips are made and the sink commits.</li>
 * </ol>
 *
 * <p>A pack of the flow family runs the same steps with three differences: the portrait is encoded as a
 * one-frame video ({@code reference_latents}); each clip is decoded after its context latents on this
 * thread ({@link ContextDecoder}), and the video's last frames are encoded again as the next clip's
 * motion latents ({@link MotionVideo}) before {@link DecodeStage} pastes the frames back.</p>
 *
 * <p>A file render is this session fed the whole voice as its last piece, so the voice is encoded in one
 * segment exactly as the paper's pipeline encodes it. Fed in pieces, a clip waits until the voice covers
 * it and the ±m windows of its last frame, and until more voice follows it (only then is it known not to
 * be the last, shorter clip). A session is driven by one thread; closing it without {@link #finish}
 * discards the sink's output.
 */
public final class RenderSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderSession.class);

    private final RenderContext ctx;
    private final String target;
    private final String packName;
    private final RenderPlan plan;
    private final PortraitFraming framing;
    private final AudioConditioning audio;
    /** The sampler and denoiser inputs of the clips after a shorter first clip, or of every clip. */
    private final ClipSampler sampler;
    private final DenoiserInputs inputs;
    /** The same for a shorter first clip, sized for its frames; {@code null} when it is as long as the others. */
    private final ClipSampler firstSampler;
    private final DenoiserInputs firstInputs;
    private final DecodeStage decode;
    /** A causal 3-D VAE's motion frames and clip decoding (the flow family), or {@code null}. */
    private final MotionVideo motionVideo;
    private final ContextDecoder contextDecoder;
    /** A causal VAE pack's pose latents (Wan2.2-S2V's), when its denoiser takes them; else {@code null}. */
    private final PoseConditioning poses;
    /** The first clip's frames the motion frames leave out (S2V: 3). */
    private final int settlingFrames;
    private final FloatTensor portraitLatents;
    /** Clips of the whole render when the voice's length was known at the start, else 0. */
    private final int expectedClips;
    /** Voice still arriving is encoded once this much of it waits (one clip's worth), or the next clip can be made. */
    private final double segmentSeconds;
    /** The audio window's frames on each side (EMO's m). */
    private final int window;
    /** The last clip's latents, which the next clip's motion frames come from. */
    private FloatTensor previousLatents;
    private int nextClip;
    private long emitted;
    private boolean done;
    private boolean failed;

    /** Opens a session; see {@link Renderer#open}. Everything it allocated is released when this throws. */
    RenderSession(ModelPack pack, RenderSpec spec, FaceDetector detector, Scheduler packScheduler, long fixedBranches,
                  long fixedFrames, TensorPool tensorPool, PromptCache prompts, FrameSink.Factory frames,
                  String target, java.util.function.BooleanSupplier closing, double expectedSeconds,
                  Renderer.ClipObserver observer) throws OrtException, IOException {
        this.target = target;
        this.packName = String.valueOf(pack.source());
        this.ctx = new RenderContext(spec, closing, tensorPool);
        ClipSampler s = null;
        ClipSampler s0 = null;
        DecodeStage d = null;
        try {
            RenderPlan p = RenderPlan.of(spec, pack.settings(), fixedBranches, fixedFrames, packScheduler,
                    pack.manifest().scheduler(), pack.manifest().family().schedulers());
            this.plan = p;
            this.expectedClips = expectedSeconds < 0 ? 0 : p.withFrames(RenderPlan.frames(expectedSeconds, p.fps())).clips();
            this.segmentSeconds = p.clipFrames() / (double) p.fps();
            this.window = pack.settings().audioWindow();
            this.settlingFrames = pack.settings().firstClipSettlingFrames();
            ctx.trace = new Tracer(spec.trace(), p.branches());
            int r = pack.settings().resolution();
            LatentLayout layout = pack.manifest().family().latentLayout(pack.settings());
            checkClipsOfWholeLatents(p, layout);
            if (spec.initialNoise() != null && p.shortFirstClip()) {
                throw new InvalidInputException("firstClipFrames: given initial noise holds clips of one "
                        + "length; render with clips of one length to replay it");
            }
            if (spec.initialNoise() != null && expectedClips > 0) {
                spec.initialNoise().check(expectedClips, layout.clipShape(p.clipFrames()));
            }
            ctx.progress(new Progress(Progress.Stage.PREPARE, 0, expectedClips, 0, p.steps(), 0, -1));
            this.framing = ctx.time("face", () -> PortraitFraming.of(spec.portrait(), spec.face(), detector,
                    spec.faceSelector(), r).withGivenCrop(ctx.given, r));
            ctx.trace.render("face_crop", FloatTensor.of(framing.referencePixels(), 1, 3, r, r), "[1, RGB, y, x], 0..1");
            this.audio = AudioConditioning.open(pack, p.fps(), ctx);
            ProducedTensors produced = new ProducedTensors(pack, ctx.views, ctx.clock, p.branches(), ctx.trace);
            ReferenceStage reference = ctx.time("reference",
                    () -> ReferenceStage.run(pack, produced, framing, spec.portrait(), p.branches(), p.clipFrames(), ctx));
            ctx.prompt = ctx.time("text", () -> TextConditioning.of(pack, spec, ctx, prompts, p.branches() > 1));
            // the first clip has a sampler and inputs of its own when it is shorter or has a graph of its own
            boolean firstApart = p.shortFirstClip() || pack.has(Role.FIRST_CLIP_DENOISER);
            s = sampler(pack.component(Role.DENOISING_UNET), p, layout, p.clipFrames(), firstApart ? 1 : 0, false, ctx);
            if (layout.temporalCompression() > 1) {
                // one encoder in chunks serves the motion frames and the pose video, one after the other
                VaeChunks encoderChunks = pack.has(Role.VAE_ENCODER_FIRST) ? new VaeChunks(pack, Role.VAE_ENCODER, ctx) : null;
                this.motionVideo = new MotionVideo(pack, layout, framing.referencePixels(), encoderChunks, ctx);
                this.contextDecoder = new ContextDecoder(pack, layout, p.clipFrames(), 1,
                        (int) motionVideo.latents.shape()[2], ctx);
                this.poses = takesPose(pack) ? new PoseConditioning(pack, layout, spec.pose(), p.fps(), p.clipFrames(),
                        encoderChunks, ctx) : null;
            } else {
                this.motionVideo = null;
                this.contextDecoder = null;
                this.poses = null;
            }
            if (spec.pose() != null && poses == null) {
                throw new InvalidInputException("pose: this pack's denoiser takes no pose_latents, so a pose video cannot "
                        + "drive it");
            }
            FloatTensor motionLatents = motionVideo == null ? null : motionVideo.latents;
            FloatTensor poseLatents = poses == null ? null : poses.latents;
            this.inputs = new DenoiserInputs(pack, Role.DENOISING_UNET, p, p.clipFrames(), ctx, produced, reference, audio,
                    framing.crop(), s, motionLatents, poseLatents);
            this.portraitLatents = reference.portraitLatents();
            if (firstApart) {
                Role firstRole = pack.has(Role.FIRST_CLIP_DENOISER) ? Role.FIRST_CLIP_DENOISER : Role.DENOISING_UNET;
                s0 = sampler(pack.component(firstRole), p, layout, p.firstClipFrames(), 0, true, ctx);
                this.firstInputs = new DenoiserInputs(pack, firstRole, p, p.firstClipFrames(), ctx, produced, reference,
                        audio, framing.crop(), s0, motionLatents, poseLatents);
            } else {
                this.firstInputs = null;
            }
            ctx.given.checkAllTaken();
            d = new DecodeStage(frames, pack, p, framing, ctx, observer, contextDecoder != null);
        } catch (RuntimeException | OrtException | IOException e) {
            try (RenderContext c = ctx; ClipSampler unused = s; ClipSampler unused0 = s0) {
                throw e;
            }
        }
        this.sampler = s;
        this.firstSampler = s0;
        this.decode = d;
    }

    /**
     * Adds {@code piece} to the voice and makes every clip the voice now covers; with {@code last}, the
     * voice is complete and the remaining clips are made. Blocks while clips are made.
     *
     * @throws io.github.emo4j.InvalidInputException if the piece's rate differs from the voice's, or the
     *         voice grows too long or is too short for one frame
     */
    public void feed(AudioClip piece, boolean last) {
        run(() -> {
            audio.append(piece);
            if (last) {
                audio.end();
            }
            if (last || audio.pendingSeconds() >= segmentSeconds || audio.voiceFrames() > nextClipNeeds()) {
                audio.encode();
            }
            makeReadyClips();
        });
    }

    /**
     * Ends the voice (if the last piece did not), makes the remaining clips, and commits the sink.
     *
     * @return what the render produced
     */
    public Renderer.Outcome finish() {
        run(() -> {
            if (!audio.ended()) {
                audio.end();
                audio.encode();
                makeReadyClips();
            }
            decode.drain();
            ctx.checkCancelled();
            int clips = nextClip;
            ctx.progress(new Progress(Progress.Stage.ENCODE, clips - 1, clips, plan.steps(), plan.steps(), Progress.SAMPLING_SHARE, 0));
            decode.finish();
        });
        done = true;
        RenderStats stats = ctx.stats(sampler.unetRuns() + (firstSampler == null ? 0 : firstSampler.unetRuns()));
        ctx.progress(new Progress(Progress.Stage.DONE, nextClip - 1, nextClip, plan.steps(), plan.steps(), 1, 0));
        LOG.debug("rendered {} frames in {} clips: {}", emitted, nextClip, stats);
        return new Renderer.Outcome(emitted, plan.fps(), framing.compositor().width(), framing.compositor().height(), stats);
    }

    /**
     * Hands the sink every frame of the clips made so far, and ends the session there without making the
     * rest or committing the sink: a live session that changes its frame rate goes on in another.
     */
    public void flush() {
        run(() -> {
            decode.drain();
            decode.flushFrames();
        });
        done = true;
    }

    /** Frames handed to the sink so far (some may still be on their way through the decoder). */
    public long framesEmitted() {
        return emitted;
    }

    /**
     * The last video frame whose voice the next clip needs: its own frames, the audio window after them,
     * and one frame more, which tells it is not the last clip. The voice is encoded as soon as it reaches
     * this, so a live clip waits for nothing else.
     */
    private long nextClipNeeds() {
        return plan.firstFrame(nextClip) + plan.clipLength(nextClip) + window;
    }

    /** A sampler for {@code unet}'s clips of {@code frames} frames, its timestep inputs as its graph declares them. */
    private static ClipSampler sampler(OnnxComponent unet, RenderPlan p, LatentLayout layout, int frames, int firstClip,
                                       boolean onlyFirst, RenderContext ctx) {
        var sigma = unet.spec().input(Contract.SIGMA);
        var sinusoid = unet.spec().input(Contract.TIMESTEP_SINUSOID);
        return new ClipSampler(p, layout, frames, firstClip, onlyFirst,
                TimestepInput.of(unet.spec().input(Contract.TIMESTEP), unet.name()),
                sigma == null ? null : TimestepInput.of(sigma, unet.name()),
                sinusoid == null ? null : TimestepSinusoid.of(sinusoid, unet.name()), ctx);
    }

    /** Whether either denoiser of {@code pack} takes a pose video's latents. */
    static boolean takesPose(ModelPack pack) {
        return pack.component(Role.DENOISING_UNET).spec().input(Contract.POSE_LATENTS) != null
                || (pack.has(Role.FIRST_CLIP_DENOISER)
                && pack.component(Role.FIRST_CLIP_DENOISER).spec().input(Contract.POSE_LATENTS) != null);
    }

    /** A causal VAE's clips are whole latent frames, all of one length. */
    private static void checkClipsOfWholeLatents(RenderPlan p, LatentLayout layout) {
        int t = layout.temporalCompression();
        if (t == 1) {
            return;
        }
        if (p.clipFrames() % t != 0) {
            throw new InvalidInputException("clipFrames " + p.clipFrames() + ": this pack's causal VAE makes "
                    + t + " frames a latent frame, so its clips are multiples of " + t + " frames");
        }
        if (p.shortFirstClip()) {
            throw new InvalidInputException("firstClipFrames " + p.firstClipFrames()
                    + ": this pack's clips are decoded after context latents, all of one length");
        }
    }

    /** Makes, in order, every clip whose voice has arrived. */
    private void makeReadyClips() throws IOException, OrtException {
        if (audio.ended()) {
            RenderPlan whole = plan.withFrames(RenderPlan.frames(audio.seconds(), plan.fps()));
            while (nextClip < whole.clips()) {
                make(nextClip, whole, whole.clips());
            }
            return;
        }
        RenderPlan sofar = plan.withFrames(audio.voiceFrames());
        while (sofar.settledBy(nextClip, sofar.frames())
                && audio.covers(plan.firstFrame(nextClip) + plan.clipLength(nextClip) - 1)) {
            make(nextClip, sofar, expectedClips);
        }
    }

    /** Step by step for one clip: its conditions, its denoising, and its frames on their way to the sink. */
    private void make(int clip, RenderPlan frames, int clips) throws IOException, OrtException {
        boolean first = clip == 0 && firstSampler != null;
        ClipSampler clipSampler = first ? firstSampler : sampler;
        DenoiserInputs clipInputs = first ? firstInputs : inputs;
        if (poses != null) {
            ctx.time("pose_encode", () -> {
                poses.prepare(clip, plan.firstFrame(clip));
                return null;
            });
        }
        clipInputs.prepare(clip, previousLatents == null ? clipSampler.latents : previousLatents);
        FloatTensor latents = clipSampler.denoise(clip, clipInputs.unet(), clips);
        previousLatents = latents;
        int emit = frames.emittedFrames(clip);
        if (contextDecoder != null) {
            // a causal VAE decodes the clip after its context, and the video's last frames are encoded again;
            // the previous clip's frames are pasted back from where the decoder left them, which this decode reuses
            decode.drain();
            FloatTensor pixels = ctx.time("vae_decode", () -> contextDecoder.decode(clip,
                    clip == 0 ? portraitLatents : motionVideo.latents, latents));
            int made = plan.clipLength(clip), from = (int) pixels.shape()[2] - made;
            // the frames are checked on the decode thread while this one moves the motion frames
            Future<Void> checked = decode.submitDecoded(clip, pixels, from, emit, () -> contextDecoder.check(clip));
            // the first clip's settling frames (S2V's first 3, right after the portrait's latent) stay out of the motion frames
            int settle = clip == 0 ? Math.min(made, settlingFrames) : 0;
            // after the voice's last clip, no clip needs motion frames
            if (!(audio.ended() && clip + 1 == clips)) {
                ctx.time("motion_encode", () -> {
                    motionVideo.append(pixels, from + settle, made - settle);
                    return null;
                });
                // frames that are not finite fail the render as the decoder's, before the encoder takes them
                HelperTasks.await(checked, "checking the decoded clip");
                ctx.time("motion_encode", () -> {
                    motionVideo.encode(clip + 1);
                    return null;
                });
            }
        } else {
            decode.submit(clip, latents, emit);
            // the clips after it are made by the main sampler, whose motion frames this clip's end becomes
            inputs.keepMotionFrames(latents);
        }
        emitted += emit;
        nextClip++;
        audio.forgetBefore(plan.firstFrame(nextClip));
    }

    /**
     * Sampling steps for the clips still to come: a live session that falls behind the voice takes fewer.
     *
     * @param steps 1 or more
     */
    public void steps(int steps) {
        sampler.steps(steps);
        if (firstSampler != null) {
            firstSampler.steps(steps);
        }
    }

    /** Frames per clip. */
    public int clipFrames() {
        return plan.clipFrames();
    }

    /** Sampling steps per clip now. */
    public int steps() {
        return sampler.steps();
    }

    /** Work of the session; a failure ends it. */
    private interface Step {
        void run() throws IOException, OrtException;
    }

    private void run(Step step) {
        if (done || failed) {
            throw new IllegalStateException(done ? "this render is finished" : "this render failed and cannot go on");
        }
        try {
            step.run();
        } catch (IOException | OrtException e) {
            failed = true;
            throw failure(e, target, packName);
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /**
     * A render's checked failure as emo4j reports it: an interrupted write is a cancellation, another
     * write failure names the output {@code target}, and ONNX Runtime's names the pack.
     */
    static RuntimeException failure(Exception e, String target, String packName) {
        if (e instanceof OrtException) {
            return new PackException(packName + ": ONNX Runtime error: " + e.getMessage(), e);
        }
        if (Thread.currentThread().isInterrupted() || e instanceof InterruptedIOException) {
            return new RenderCancelledException("render interrupted; no output was written");
        }
        return new EmoException(target + ": cannot write video: " + e.getMessage(), e);
    }

    /**
     * Stops the session and releases what it holds; without {@link #finish}, the sink's output is
     * discarded.
     *
     * @throws EmoException if the sink cannot be closed
     */
    @Override
    public void close() {
        try (RenderContext c = ctx; ClipSampler s = sampler; ClipSampler s0 = firstSampler) {
            decode.close();
        } catch (IOException e) {
            throw new EmoException(target + ": cannot close the video: " + e.getMessage(), e);
        }
    }
}
