package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.MotionControl;
import io.github.emo4j.PackException;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which tensor feeds which input of the backbone denoiser, bound once per render, and the per-clip
 * conditions written into them before each clip: the audio windows (each frame's features and its ±m
 * neighbours), the motion frames, each frame's time and head speed, and the outputs of the per-clip
 * networks (Hallo's audio projection, EMO's speed encoder, the ReferenceNet's pass over motion frames).
 * The once-per-render conditions (reference banks, identity tokens, face locator features, masks) are
 * bound as they are, batched for guidance as the manifest says.
 */
final class DenoiserInputs {
    private final ModelPack pack;
    private final RenderPlan plan;
    /** Frames of the clips these inputs are for. */
    private final int frames;
    /** The denoiser these inputs feed: the main one, or the first clip's. */
    private final Role role;
    /**
     * Whether the middle of three guidance branches hears the voice too: its {@code audio_windows} carry
     * {@code "condition": "reference"} (MultiTalk and InfiniteTalk guide by audio, then by text on top).
     */
    private final boolean audioInMiddleBranch;
    private final MotionControl motionControl;
    private final double timeOffset;
    private final AudioConditioning audio;
    private final ProducedTensors produced;
    private final ClipReference referenceMotion;
    private final ComponentCall unet;
    private final FloatTensor windows;
    private final FloatTensor motion;
    /** A pose video's latents for the clip (flow family), or {@code null}. */
    private final FloatTensor pose;
    /** Whether {@link #motion} is another stage's, which keeps it. */
    private final boolean motionMadeElsewhere;
    private final FloatTensor frameTime;
    private final FloatTensor headSpeed;
    private final FloatTensor motionScale;
    /** Outputs of the per-clip networks, by name. */
    private final Map<String, FloatTensor> perClipOutputs = new HashMap<>();
    /** Per-clip outputs the denoiser takes batched for guidance: source, batched copy and the input's spec. */
    private final List<BranchCopy> branchCopies = new ArrayList<>();
    /** Inputs bound as unchanging whose values change per clip: converted again once per clip. */
    private final List<String> refreshed = new ArrayList<>();
    /** The per-clip inputs as bound, for the trace. */
    private final Map<String, FloatTensor> traced = new TreeMap<>();
    private final Tracer trace;
    private final GivenInputs given;
    private PerClipNetwork projection;
    private PerClipNetwork speed;

    private record BranchCopy(FloatTensor source, FloatTensor batched, TensorSpec spec) {
    }

    /** A network run once per clip on {@code input}, its outputs pinned into {@link #perClipOutputs}. */
    private record PerClipNetwork(ComponentCall call, FloatTensor input) {
    }

    /** The render's prompt embeddings, or {@code null} when the denoiser takes no text. */
    private final io.github.emo4j.pack.PromptEmbeddings prompt;

    /**
     * Binds every input of the pack's denoiser for clips of {@code frames} frames: {@code sampler}'s sample,
     * timestep and prediction buffers, the conditions {@code reference} and {@code produced} hold, and this
     * object's per-clip tensors.
     */
    DenoiserInputs(ModelPack pack, RenderPlan plan, int frames, RenderContext ctx, ProducedTensors produced,
                   ReferenceStage reference, AudioConditioning audio, FaceCrop crop, ClipSampler sampler) throws OrtException {
        this(pack, Role.DENOISING_UNET, plan, frames, ctx, produced, reference, audio, crop, sampler, null, null);
    }

    /**
     * The same for the denoiser in {@code role} (the first clip's may be another graph), with the motion
     * latents made elsewhere when {@code motionLatents} is given: the flow family's, re-encoded from the
     * video's last frames ({@link MotionVideo}), instead of the previous clip's last latents.
     */
    DenoiserInputs(ModelPack pack, Role role, RenderPlan plan, int frames, RenderContext ctx, ProducedTensors produced,
                   ReferenceStage reference, AudioConditioning audio, FaceCrop crop, ClipSampler sampler,
                   FloatTensor motionLatents, FloatTensor poseLatents) throws OrtException {
        PackSettings s = pack.settings();
        int c = s.latentChannels(), h = s.latentSize(), f = frames, n = plan.motionFrames();
        this.pack = pack;
        this.plan = plan;
        this.frames = frames;
        this.role = role;
        TensorSpec audioSpec = pack.component(role).spec().input(Contract.AUDIO_WINDOWS);
        this.audioInMiddleBranch = audioSpec != null && plan.branches() == 3 && audioSpec.conditionIn(1, 3);
        this.motionControl = ctx.spec.motion();
        this.timeOffset = ctx.spec.timeOffset();
        this.audio = audio;
        this.produced = produced;
        this.referenceMotion = reference.motion();
        this.trace = ctx.trace;
        this.given = ctx.given;
        this.prompt = ctx.prompt;
        windows = ctx.tensors.zeros(plan.branches(), f, s.audioWindow() * 2 + 1, s.audioFeatureDim());
        this.motionMadeElsewhere = motionLatents != null;
        this.pose = poseLatents;
        motion = motionMadeElsewhere ? motionLatents : ctx.tensors.zeros(1, c, n, h, h);
        if (s.firstMotionIsReference() && !motionMadeElsewhere) {
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < n; j++) {
                    motion.buffer().put((ch * n + j) * h * h, reference.portraitLatents().buffer(), ch * h * h, h * h);
                }
            }
        }
        frameTime = FloatTensor.zeros(f);
        motionScale = FloatTensor.of(new float[] {
            (float) motionControl.pose(), (float) motionControl.expression(), (float) motionControl.lip()}, 3);
        headSpeed = FloatTensor.zeros(f);
        bindPerClipNetworks(f);
        unet = new ComponentCall(pack.component(role), ctx.views, ctx.clock)
                .input(Contract.SAMPLE, sampler.sample);
        if (sampler.timestep.bound()) {
            unet.input(Contract.TIMESTEP, sampler.timestep.tensor());
        }
        if (sampler.sigma != null) {
            unet.input(Contract.SIGMA, sampler.sigma.tensor());
        }
        if (sampler.sinusoid != null) {
            unet.input(Contract.TIMESTEP_SINUSOID, sampler.sinusoid.tensor);
        }
        for (TensorSpec in : pack.component(role).spec().inputs()) {
            bind(in, crop);
        }
        unet.output(Contract.NOISE_PRED, sampler.noisePred).checkedElsewhere();
    }

    /** The denoiser with every input bound. */
    ComponentCall unet() {
        return unet;
    }

    /** Per-clip producers: the audio projection (Hallo's audio_proj) on the conditional windows, the speed encoder (EMO's speed layers) on the head speeds. */
    private void bindPerClipNetworks(int f) throws OrtException {
        if (pack.has(Role.AUDIO_PROJECTION)) {
            TensorSpec spec = pack.component(Role.AUDIO_PROJECTION).spec().input(Contract.AUDIO_WINDOWS);
            FloatTensor in = FloatTensor.zeros(produced.shape(spec, Role.AUDIO_PROJECTION, -1));
            if (in.size() != f * audio.windowValues()) {
                throw new PackException(pack.source() + ": audio_projection input 'audio_windows' holds "
                        + in.size() + " values; one clip's windows are " + f + " × " + audio.windowValues());
            }
            projection = perClipNetwork(Role.AUDIO_PROJECTION, Contract.AUDIO_WINDOWS, in, f);
        }
        if (pack.has(Role.SPEED_ENCODER)) {
            TensorSpec spec = pack.component(Role.SPEED_ENCODER).spec().input(Contract.HEAD_SPEED);
            FloatTensor in = FloatTensor.zeros(produced.shape(spec, Role.SPEED_ENCODER, f));
            if (in.size() != f) {
                throw new PackException(pack.source() + ": speed_encoder input 'head_speed' holds "
                        + in.size() + " values; a clip has " + f + " frames");
            }
            speed = perClipNetwork(Role.SPEED_ENCODER, Contract.HEAD_SPEED, in, f);
        }
    }

    /** A symbolic leading output dimension of a per-clip network is the clip's {@code frames}. */
    private PerClipNetwork perClipNetwork(Role role, String input, FloatTensor in, int frames) throws OrtException {
        return new PerClipNetwork(produced.pinOutputs(produced.bind(role, Map.of(input, in), false), role, frames,
                perClipOutputs), in);
    }

    /** Binds the denoiser's input {@code in} to the tensor that carries it. */
    private void bind(TensorSpec in, FaceCrop crop) throws OrtException {
        String name = in.name();
        if (name.equals(Contract.SAMPLE) || name.equals(Contract.TIMESTEP) || name.equals(Contract.SIGMA)
                || name.equals(Contract.TIMESTEP_SINUSOID)) {
            return;
        }
        FloatTensor own = switch (name) {
            case Contract.AUDIO_WINDOWS -> windows;
            case Contract.MOTION_LATENTS -> motion;
            case Contract.POSE_LATENTS -> pose;
            case Contract.FRAME_TIME -> frameTime;
            case Contract.MOTION_SCALE -> motionScale;
            case Contract.HEAD_SPEED -> headSpeed;
            case Contract.TEXT_CONTEXT -> textContext(in);
            default -> null;
        };
        boolean perClip = own != null && own != motionScale && !name.equals(Contract.TEXT_CONTEXT);
        FloatTensor bound = own;
        if (bound == null && name.equals(Contract.POSE_LATENTS)) {
            throw new PackException(pack.source() + ": " + role.key() + " takes 'pose_latents', which only the flow family makes");
        }
        if (bound == null && Contract.isMaskLevel(name)) {
            bound = Masks.tiled(in, crop, plan.branches(), frames, pack.settings().latentSize(), pack.source());
            FloatTensor given = this.given.take(name, bound.shape());
            bound = given != null ? given : bound;
        } else if (bound == null && perClipOutputs.containsKey(name)) {
            bound = batchedPerClip(perClipOutputs.get(name), in);
            perClip = true;
        } else if (bound == null && referenceMotion != null && referenceMotion.carries(name)) {
            bound = referenceMotion.bankFor(in);
            perClip = true;
        } else if (bound == null) {
            FloatTensor src = produced.get(name);
            if (src == null) {
                throw new PackException(pack.source() + ": denoising_unet input '" + name + "' is produced by no component");
            }
            checkMadeForAnyLength(in);
            bound = produced.forGuidance(src, in);
        }
        unet.input(name, bound, false);
        if (perClip) {
            refreshed.add(name);
            traced.put(name, bound);
        } else {
            trace.render("denoiser/" + name, bound, "denoising_unet input " + in.shape() + ", " + trace.branches());
        }
    }

    /**
     * The render's prompt embeddings ({@link TextConditioning}) as the denoiser takes them, {@code [B, L, D]}: the prompt's in the
     * conditional branch (the last), and in the middle one of three when the input carries
     * {@code "condition": "reference"}; the negative prompt's in the others. The prompt's alone when the
     * input takes one branch.
     */
    private FloatTensor textContext(TensorSpec in) {
        int b = in.dim(0) == 1 ? 1 : plan.branches(), n = prompt.tokens() * prompt.width();
        FloatTensor t = FloatTensor.zeros(b, prompt.tokens(), prompt.width());
        for (int i = 0; i < b; i++) {
            t.put(i * n, in.conditionIn(i, b) ? prompt.prompt() : prompt.negative(), 0, n);
        }
        return t;
    }

    /**
     * Inputs made once per render are made for the clip length of most clips; a shorter first clip
     * cannot take one whose shape follows the clip's frames.
     */
    private void checkMadeForAnyLength(TensorSpec in) {
        if (frames == plan.clipFrames()) {
            return;
        }
        Object clipDim = pack.component(role).spec().input(Contract.SAMPLE).shape().get(2);
        if (clipDim instanceof String && in.shape().contains(clipDim)) {
            throw new InvalidInputException("firstClipFrames " + frames + ": this pack's denoiser input '" + in.name()
                    + "' has the clip's frames ('" + clipDim + "') but is made once per render, for clips of "
                    + plan.clipFrames() + " frames; this pack takes one clip length");
        }
    }

    /** A per-clip output as the denoiser takes it; a batched copy is refilled every clip. */
    private FloatTensor batchedPerClip(FloatTensor output, TensorSpec in) {
        FloatTensor batched = produced.forGuidance(output, in);
        if (batched != output) {
            branchCopies.add(new BranchCopy(output, batched, in));
        }
        return batched;
    }

    /**
     * Writes clip {@code clip}'s conditions: audio windows of the conditional branch, frame times and head
     * speeds, the per-clip networks' outputs, and the ReferenceNet's pass over the motion frames taken
     * from {@code previousLatents} (the previous clip's result).
     */
    void prepare(int clip, FloatTensor previousLatents) {
        long first = plan.firstFrame(clip);
        int f = frames;
        int branches = plan.branches(), values = f * audio.windowValues();
        audio.windows(first, f, windows, (branches - 1) * values);
        if (audioInMiddleBranch) {
            windows.buffer().put(values, windows.buffer(), (branches - 1) * values, values);
        }
        for (int k = 0; k < f; k++) {
            double at = timeOffset + (first + k) / (double) plan.fps();
            frameTime.set(k, (float) at);
            headSpeed.set(k, (float) motionControl.headSpeedAt(at));
        }
        if (projection != null) {
            audio.windows(first, f, projection.input(), 0);
            projection.call().run(clip);
        }
        if (speed != null) {
            speed.input().copyFrom(headSpeed, 0);
            speed.call().run(clip);
        }
        for (BranchCopy copy : branchCopies) {
            produced.fillBranches(copy.source(), copy.spec(), copy.batched());
        }
        if (referenceMotion != null) {
            referenceMotion.update(clip, previousLatents, pack.settings().firstMotionIsReference());
        }
        for (String name : refreshed) {
            unet.refresh(name);
        }
        if (trace.on()) {
            for (Map.Entry<String, FloatTensor> e : traced.entrySet()) {
                trace.clip(clip, e.getKey(), e.getValue(), "denoising_unet input, " + trace.branches());
            }
            if (projection != null) {
                String name = traced.containsKey(Contract.AUDIO_WINDOWS) ? "audio_projection." + Contract.AUDIO_WINDOWS
                        : Contract.AUDIO_WINDOWS;
                trace.clip(clip, name, projection.input(), "audio_projection input: the conditional branch's windows");
            }
        }
    }

    /**
     * Keeps the last frames of a finished clip's {@code latents} (of this clip length or, after a shorter
     * first clip, of that one's) as the next clip's motion frames.
     */
    void keepMotionFrames(FloatTensor latents) {
        if (plan.carriesMotionFrames() && !motionMadeElsewhere) {
            PackSettings s = pack.settings();
            Latents.keepMotionFrames(latents, motion, s.latentChannels(), (int) latents.shape()[2], plan.motionFrames(),
                    s.latentSize() * s.latentSize());
        }
    }
}
