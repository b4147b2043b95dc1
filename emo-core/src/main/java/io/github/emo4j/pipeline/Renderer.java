package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.RenderStats;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.onnx.TensorPool;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.Role;
import io.github.emo4j.sched.Scheduler;
import java.awt.image.BufferedImage;
import io.github.emo4j.video.FrameSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Renders talking-head videos with a loaded pack. Each render is a {@link RenderSession}, which follows
 * EMO's method top to bottom; a file render is a session fed the whole voice at once.
 *
 * <p>A renderer holds no per-render state (its sessions do), so one instance serves concurrent
 * renders. Every buffer a render needs is allocated when it starts and reused for every step; none is
 * allocated per step.
 */
public final class Renderer implements AutoCloseable {

    private final ModelPack pack;
    private final Scheduler scheduler;
    private final FaceDetector chosenDetector;
    private BlazeFaceDetector ownDetector;
    private volatile ClipObserver observer;
    /** Buffers kept from one render for the next, so that a render does not fault in a gigabyte afresh. */
    private final TensorPool tensorPool = new TensorPool();
    /** The text encoder's rows for the prompts of the last renders: most users keep one prompt. */
    private final PromptCache prompts = new PromptCache();

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
        this.scheduler = packScheduler(pack);
        // a denoiser whose timestep cannot carry one value is refused when the pipeline is built
        OnnxComponent unet = pack.component(Role.DENOISING_UNET);
        TimestepInput.of(unet.spec().input(Contract.TIMESTEP), unet.name());
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

    /** Bytes of tensor buffers kept for the next render. */
    long idleTensorBytes() {
        return tensorPool.idleBytes();
    }

    /** Releases the face detector this renderer loaded, if any, and the buffers kept between renders. */
    @Override
    public synchronized void close() {
        tensorPool.clear();
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
        return render(req, new Mp4Output(out, req.audio(), req.encoding()), out.toString(), closing);
    }

    /**
     * Renders {@code req}'s whole voice into the sink {@code frames} opens: a session fed the voice at
     * once, so it is encoded in one piece as EMO's pipeline encodes it. {@code target} names the output
     * in messages.
     */
    public Outcome render(RenderSpec req, FrameSink.Factory frames, String target, BooleanSupplier closing) {
        try (RenderSession session = open(req, frames, target, closing, req.audio().durationSeconds())) {
            session.feed(req.audio(), true);
            return session.finish();
        }
    }

    /**
     * Opens a render session for {@code req} (whose audio is ignored: the voice comes through
     * {@link RenderSession#feed}). Finds the face and encodes the portrait before it returns.
     *
     * @param expectedSeconds the voice's length when it is known in advance, which lets progress report
     *                        fractions; negative when it is not
     */
    public RenderSession open(RenderSpec req, FrameSink.Factory frames, String target, BooleanSupplier closing,
                              double expectedSeconds) {
        try {
            return new RenderSession(pack, req, req.face() == null ? detector() : null, scheduler, fixedBranches(),
                    fixedFrames(), tensorPool, prompts, frames, target, closing, expectedSeconds, observer);
        } catch (IOException | OrtException e) {
            throw RenderSession.failure(e, target, String.valueOf(pack.source()));
        }
    }

    /** The pack's own scheduler, configured by its manifest; made once, when the renderer is. */
    private static Scheduler packScheduler(ModelPack pack) {
        try {
            return pack.manifest().family().schedulers().fromConfig(pack.manifest().scheduler());
        } catch (IllegalArgumentException e) {
            throw new PackException(pack.source() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The denoiser's clip length in video frames when its export fixes it (a causal VAE's latent frame is
     * four), else 0 or less: then it takes any.
     */
    private long fixedFrames() {
        long latentFrames = pack.component(Role.DENOISING_UNET).spec().input(Contract.SAMPLE).dim(2);
        return latentFrames <= 0 ? latentFrames : latentFrames * pack.manifest().family().temporalCompression();
    }

    /** The denoiser's guidance batch when its export fixes it (Hallo's has two branches), else 0 or less. */
    private long fixedBranches() {
        return pack.component(Role.DENOISING_UNET).spec().input(Contract.SAMPLE).dim(0);
    }
}
