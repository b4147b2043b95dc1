package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.PackException;
import io.github.emo4j.Progress;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderStats;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.sched.Scheduler;
import io.github.emo4j.sched.Schedulers;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders talking-head videos with a loaded pack, following EMO's method top to bottom; each step is a
 * stage of its own:
 *
 * <ol>
 *   <li>{@link RenderPlan}: frames, clips, guidance branches and the sampler, from the request;</li>
 *   <li>{@link PortraitFraming}: the face is found and cropped at the pack's resolution;</li>
 *   <li>{@link AudioConditioning}: the voice (after a vocal separator, where the pack has one) becomes
 *       per-frame audio features with ±m neighbours;</li>
 *   <li>{@link ReferenceStage}: identity tokens, the portrait's latents, the ReferenceNet's banks and the
 *       face locator's features, once per render ({@link FaceLocatorStage});</li>
 *   <li>clip by clip: {@link DenoiserInputs} writes the clip's conditions (audio windows, motion frames,
 *       head speed), {@link ClipSampler} denoises the clip's seeded noise with guidance, and
 *       {@link DecodeStage} decodes it, pastes it back into the portrait and streams it to the encoder
 *       while the next clip is denoised.</li>
 * </ol>
 *
 * <p>A renderer holds no per-render state ({@link RenderContext} does), so one instance serves
 * concurrent renders. Every buffer a render needs is allocated when it starts and reused for every
 * step; none is allocated per step.
 */
public final class Renderer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Renderer.class);

    private final ModelPack pack;
    private final Scheduler scheduler;
    private final FaceDetector chosenDetector;
    private BlazeFaceDetector ownDetector;
    private volatile ClipObserver observer;

    /** Called with each clip's decoded frames that reach the video, {@code [frames][3][R][R]}, before compositing; for tests. */
    interface ClipObserver {
        void onDecodedClip(int clip, float[] pixels, int validFrames);
    }

    /** What a finished render produced. */
    public record Outcome(long frames, int fps, int width, int height, RenderStats stats) {
    }

    /** A renderer using the pack's own face detector when it has one, else BlazeFace. */
    public Renderer(ModelPack pack) {
        this(pack, null);
    }

    /**
     * A renderer with a face detector of the caller's; {@code null} for the pack's own, else BlazeFace,
     * loaded when a render first needs it.
     */
    public Renderer(ModelPack pack, FaceDetector detector) {
        this.pack = pack;
        this.chosenDetector = detector != null ? detector
                : pack.has(Role.FACE_DETECTOR) ? new OnnxFaceDetector(pack.component(Role.FACE_DETECTOR)) : null;
        try {
            this.scheduler = Schedulers.fromConfig(pack.manifest().scheduler());
        } catch (IllegalArgumentException e) {
            throw new PackException(pack.source() + ": " + e.getMessage(), e);
        }
    }

    void observe(ClipObserver o) {
        this.observer = o;
    }

    /** The face box a render of {@code portrait} would use. */
    public FaceBox locateFace(BufferedImage portrait, FaceBox given) {
        return PortraitFraming.locate(portrait, given, detector());
    }

    /** Every face in {@code portrait}, the one a render uses first. */
    public List<DetectedFace> faces(BufferedImage portrait) {
        return detector().detectAll(portrait);
    }

    private synchronized FaceDetector detector() {
        if (chosenDetector != null) {
            return chosenDetector;
        }
        if (ownDetector == null) {
            ownDetector = new BlazeFaceDetector();
        }
        return ownDetector;
    }

    /** Releases the face detector this renderer loaded, if any. */
    @Override
    public synchronized void close() {
        if (ownDetector != null) {
            ownDetector.close();
            ownDetector = null;
        }
    }

    /**
     * Renders {@code req} into an MP4 at {@code out}. The file appears only when the render succeeds.
     */
    public Outcome render(RenderSpec req, Path out) {
        return render(req, out, () -> false);
    }

    /**
     * Renders {@code req} into an MP4 at {@code out}, stopping as cancelled at the next step once
     * {@code closing} says the pipeline is closing.
     */
    public Outcome render(RenderSpec req, Path out, BooleanSupplier closing) {
        try (RenderContext ctx = new RenderContext(req, closing)) {
            RenderPlan plan = RenderPlan.of(req, pack.settings(), fixedBranches(), scheduler, pack.manifest().scheduler());
            ctx.trace = new Tracer(req.trace(), plan.branches());
            int r = pack.settings().resolution(), h = pack.settings().latentSize();
            if (req.initialNoise() != null) {
                req.initialNoise().check(plan.clips(),
                        new long[] {1, pack.settings().latentChannels(), plan.clipFrames(), h, h});
            }
            ctx.progress(new Progress(Progress.Stage.PREPARE, 0, plan.clips(), 0, plan.steps(), 0, -1));
            PortraitFraming framing = ctx.time("face",
                    () -> PortraitFraming.of(req.portrait(), req.face(), req.face() == null ? detector() : null,
                            req.faceSelector(), r).withGivenCrop(ctx.given, r));
            ctx.trace.render("face_crop", FloatTensor.of(framing.referencePixels(), 1, 3, r, r), "[1, RGB, y, x], 0..1");
            AudioConditioning audio = AudioConditioning.of(pack, req.audio(), plan.fps(), ctx);
            ProducedTensors produced = new ProducedTensors(pack, ctx.views, ctx.clock, plan.branches(), ctx.trace);
            ReferenceStage reference = ctx.time("reference",
                    () -> ReferenceStage.run(pack, produced, framing, req.portrait(), plan.branches(), ctx));
            ClipSampler sampler = new ClipSampler(plan, pack.settings(), ctx);
            DenoiserInputs inputs = new DenoiserInputs(pack, plan, ctx, produced, reference, audio, framing.crop(), sampler);
            ctx.given.checkAllTaken();
            try (sampler; DecodeStage decode = new DecodeStage(out, pack, plan, framing, ctx, observer)) {
                for (int clip = 0; clip < plan.clips(); clip++) {
                    inputs.prepare(clip, sampler.latents);
                    FloatTensor latents = sampler.denoise(clip, inputs.unet());
                    decode.submit(clip, latents, plan.emittedFrames(clip));
                    inputs.keepMotionFrames(latents);
                }
                decode.drain();
                ctx.checkCancelled();
                ctx.progress(new Progress(Progress.Stage.ENCODE, plan.clips() - 1, plan.clips(), plan.steps(), plan.steps(),
                        Progress.SAMPLING_SHARE, 0));
                decode.finish();
            }
            RenderStats stats = ctx.stats(sampler.unetRuns());
            ctx.progress(new Progress(Progress.Stage.DONE, plan.clips() - 1, plan.clips(), plan.steps(), plan.steps(), 1, 0));
            LOG.debug("rendered {} frames in {} clips: {}", plan.frames(), plan.clips(), stats);
            return new Outcome(plan.frames(), plan.fps(), framing.compositor().width(), framing.compositor().height(), stats);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted() || e instanceof InterruptedIOException) {
                throw new RenderCancelledException("render interrupted; no output was written");
            }
            throw new EmoException(out + ": cannot write video: " + e.getMessage(), e);
        } catch (OrtException e) {
            throw new PackException(pack.source() + ": ONNX Runtime error: " + e.getMessage(), e);
        }
    }

    /** The denoiser's guidance batch when its export fixes it (Hallo's has two branches), else 0 or less. */
    private long fixedBranches() {
        return pack.component(Role.DENOISING_UNET).spec().input(Contract.SAMPLE).dim(0);
    }
}
