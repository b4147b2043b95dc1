package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.Progress;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.LatentLayout;
import io.github.emo4j.sched.Sampler;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.concurrent.ExecutorService;

/**
 * The backbone's sampling loop for one clip: seeded noise, then for each of the scheduler's steps one
 * batched denoiser run over the guidance branches, their classifier-free combination, and the
 * scheduler's step. With context windows, the clip's first frames are cross-faded with the previous
 * window's last. Every buffer is allocated once per render and reused by every clip and step.
 */
final class ClipSampler implements AutoCloseable {
    /** Latent values below which sharing a step with another thread costs more than it saves. */
    static final int MIN_SHARED = 1 << 16;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private final RenderPlan plan;
    private final RenderContext ctx;
    private final int channels;
    private final int plane;
    /** Frames of the clips this sampler makes. */
    private final int frames;
    /** The first clip this sampler makes; a sampler for a shorter first clip makes that clip only. */
    private final int firstClip;
    private final boolean onlyFirst;
    /** The denoiser's input: one copy of the latents per guidance branch, scaled by the scheduler. */
    final FloatTensor sample;
    /** The clip's latents, {@code [1, C, F, H, W]}: the sample's first branch, which the others copy before each run. */
    final FloatTensor latents;
    /** The latents before a sampler's input scale, kept to step from; made when a sampler first scales. */
    private FloatTensor unscaled;
    /** The denoiser's output, one prediction per branch. */
    final FloatTensor noisePred;
    /** The guided prediction the scheduler steps with. */
    private final FloatTensor eps;
    /** The same, computed as a sampler that reads its output in chunks reads it. */
    private final Guidance.Combined guided;
    /** The same, read on {@link #helper}, and the latents as it reads and writes them. */
    private final Guidance.Combined guidedOnHelper;
    private final FloatBuffer latentsOnHelper;
    /**
     * A prepared step's two sides, which alternate: the denoiser's input and output of even steps (the
     * sample and prediction above) and of odd steps (a second pair, made at the first prepared clip).
     */
    private final Side[] sides = new Side[2];
    /** The denoiser's call over the odd steps' side, and the call it alternates with. */
    private ComponentCall alternateUnet;
    private ComponentCall alternateOf;
    /**
     * The sampling's helper thread: it prepares a step while the denoiser runs, or takes its share of a
     * step's blocks; made at the first such step.
     */
    private ExecutorService helper;
    /** The denoiser's timestep input, in the type its graph declares. */
    final TimestepInput timestep;
    /** The step's σ, for a denoiser that takes it, or {@code null}. */
    final TimestepInput sigma;
    /** The timestep's sinusoid, for a denoiser that takes it, or {@code null}. */
    final TimestepSinusoid sinusoid;
    /** The previous context window's last frames, for the cross-fade. */
    private final float[] tail;
    private final StageTimes.Stopwatch denoiseTime;
    private final StageTimes.Stopwatch noiseTime;
    private final StageTimes.Stopwatch samplingTime;
    private NoisePrefetch noise;
    /** Steps per clip: the plan's, fewer when a live session falls behind. */
    private volatile int steps;
    private long unetRuns;
    private long loopStart;
    /** The last clip's trajectory, once it has ended: the next one takes over its arrays. */
    private Sampler lastTrajectory;

    /**
     * A sampler for clips of {@code frames} frames laid out in latent space as {@code layout} says, from
     * clip {@code firstClip} on; with {@code onlyFirst}, for that clip alone.
     */
    ClipSampler(RenderPlan plan, LatentLayout layout, int frames, int firstClip, boolean onlyFirst, TimestepInput timestep,
                TimestepInput sigma, TimestepSinusoid sinusoid, RenderContext ctx) {
        this.sigma = sigma;
        this.sinusoid = sinusoid;
        this.plan = plan;
        this.frames = frames;
        this.firstClip = firstClip;
        this.onlyFirst = onlyFirst;
        this.timestep = timestep;
        this.ctx = ctx;
        this.steps = plan.steps();
        this.channels = layout.channels();
        int h = layout.height(), w = layout.width(), f = layout.clipLatentFrames(frames), batch = plan.branches();
        this.plane = h * w;
        sample = ctx.tensors.zeros(batch, channels, f, h, w);
        latents = sample.leading(1);
        // the denoiser's output: every run writes it whole before it is read
        noisePred = ctx.tensors.unfilled(batch, channels, f, h, w);
        eps = plan.guided() ? ctx.tensors.zeros(layout.clipShape(frames)) : noisePred;
        sides[0] = plan.guided() ? side(sample, noisePred) : null;
        guided = plan.guided() ? sides[0].guided() : null;
        guidedOnHelper = plan.guided() ? sides[0].guidedOnHelper() : null;
        latentsOnHelper = latents.buffer().duplicate();
        tail = plan.overlap() > 0 ? new float[channels * plan.overlap() * plane] : null;
        denoiseTime = ctx.times.stage("denoise");
        noiseTime = ctx.times.stage("noise");
        samplingTime = ctx.times.stage("sampling");
    }

    void steps(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + n);
        }
        steps = n;
    }

    int steps() {
        return steps;
    }

    /** Denoiser runs so far. */
    long unetRuns() {
        return unetRuns;
    }

    /**
     * Denoises clip {@code clip} from its seeded noise with {@code unet}, whose inputs are bound; returns its
     * latents. {@code clips} is the render's clip count, or 0 while the voice is still arriving.
     */
    FloatTensor denoise(int clip, ComponentCall unet, int clips) throws IOException {
        if (noise == null) {
            loopStart = System.nanoTime();
            noise = new NoisePrefetch(latents.shape(), ctx.spec.seed(), ctx.spec.initialNoise(), firstClip);
        }
        Sampler sampler = plan.scheduler().sampler(this.steps, ctx.spec.seed() * 31 + clip);
        // the last clip's trajectory has ended: its history's arrays serve this one's
        sampler.reuseBuffersOf(lastTrajectory);
        lastTrajectory = null;
        double[] timesteps = sampler.timesteps();
        int steps = timesteps.length;
        double[] sigmas = sigma == null ? null : sampler.sigmas();
        if (sigmas != null && sigmas.length < steps) {
            throw new PackException(unet.name() + ": input 'sigma' needs a flow sampler, which says each step's sigma; "
                    + "this one does not");
        }
        noiseTime.start();
        noise.take(clip, latents, !onlyFirst && (clips == 0 || clip + 1 < clips));
        ctx.trace.clip(clip, "initial_noise", latents, "[1, C, F, h, w], standard normal before init_noise_sigma");
        // the sampler's own: with fewer steps than planned (a live session behind), Euler's sigma changes
        float initSigma = sampler.initNoiseSigma();
        if (initSigma != 1f) {
            latents.scale(initSigma);
        }
        noiseTime.stop();
        boolean prepared = prepares(sampler, steps);
        if (prepared) {
            alternate(unet);
        }
        for (int i = 0; i < steps; i++) {
            ctx.checkCancelled();
            if (sigmas != null) {
                sigma.set(sigmas[i]);
            }
            if (prepared) {
                preparedStep(sampler, clip, i, timesteps[i], unet);
            } else {
                step(sampler, clip, i, timesteps[i], unet);
            }
            if (clips > 0) {
                double done = (clip * (double) steps + i + 1) / (clips * (double) steps);
                double elapsed = (System.nanoTime() - loopStart) / 1e9;
                ctx.progress(new Progress(Progress.Stage.DENOISE, clip, clips, i + 1, steps,
                        done * Progress.SAMPLING_SHARE, elapsed / done * (1 - done)));
            } else {
                ctx.progress(new Progress(Progress.Stage.DENOISE, clip, 0, i + 1, steps, 0, -1));
            }
        }
        lastTrajectory = sampler;
        if (prepared && steps % 2 == 1) {
            // an odd step wrote the clip's last latents on the other side
            latents.copyFrom(sides[1].sample().leading(1), 0);
        }
        if (plan.overlap() > 0) {
            Latents.crossFade(latents, tail, clip > 0, channels, frames, plan.overlap(), plane);
        }
        return latents;
    }

    /** Step {@code i}: one denoiser run over every branch, guidance, and the scheduler's update of the latents. */
    private void step(Sampler sampler, int clip, int i, double t, ComponentCall unet) throws IOException {
        samplingTime.start();
        float scale = sampler.inputScale(i);
        if (scale != 1f) {
            unscaled().copyFrom(latents, 0);
        }
        for (int b = 1; b < plan.branches(); b++) {
            sample.copyFrom(latents, b * latents.size());
        }
        if (scale != 1f) {
            sample.scale(scale);
        }
        timestep.set(t);
        if (sinusoid != null) {
            sinusoid.set(timestep.given());
        }
        samplingTime.stop();
        Tracer trace = ctx.trace;
        if (trace.on()) {
            trace.step(clip, i, "sample", sample, "[branch, C, F, h, w], " + trace.branches() + "; scaled as the denoiser takes it");
            trace.stepValue(clip, i, "timestep", (float) timestep.given(), "[1]");
        }
        denoiseTime.start();
        unet.run();
        denoiseTime.stop();
        unetRuns++;
        if (trace.on()) {
            trace.step(clip, i, "noise_pred", noisePred, "[branch, C, F, h, w], " + trace.branches());
        }
        samplingTime.start();
        if (scale != 1f) {
            // the sampler steps from the latents as they were before the input scale
            latents.copyFrom(unscaled, 0);
        }
        boolean finite = guideAndStep(sampler, i, trace.on());
        if (!finite) {
            throw nonFinite(unet, clip, i);
        }
        samplingTime.stop();
        if (trace.on()) {
            if (plan.guided()) {
                trace.step(clip, i, "guided", eps, "[1, C, F, h, w], the prediction the scheduler steps with");
            }
            trace.step(clip, i, "latents", latents, "[1, C, F, h, w], after the step");
        }
    }

    /**
     * Whether this clip's steps are prepared while the denoiser runs: for a sampler that can, over latents
     * large enough to share out, unless the render is traced (the trace records each step's guided
     * prediction and latents, which a prepared step never writes) or guidance takes another formula.
     */
    private boolean prepares(Sampler sampler, int steps) {
        if (!sampler.prepares() || !plainGuidance() || ctx.trace.on() || !sharesOut()) {
            return false;
        }
        for (int i = 0; i < steps; i++) {
            if (sampler.inputScale(i) != 1f) {
                return false;
            }
        }
        return true;
    }

    /** Whether a step's work is worth sharing with the helper thread: latents large enough, and a second core. */
    private boolean sharesOut() {
        return latents.size() >= MIN_SHARED && CORES >= 2;
    }

    private boolean plainGuidance() {
        return plan.guided() && !plan.splitGuidance() && !(ctx.spec.guidanceRescale() > 0);
    }

    /** One side of a prepared step: the denoiser's input and its guided output, as each thread reads them. */
    private record Side(FloatTensor sample, FloatTensor output, Guidance.Combined guided, FloatBuffer sampleOnHelper,
                        Guidance.Combined guidedOnHelper) {
        FloatBuffer sample(boolean onHelper) {
            return onHelper ? sampleOnHelper : sample.buffer();
        }

        Guidance.Combined guided(boolean onHelper) {
            return onHelper ? guidedOnHelper : guided;
        }
    }

    /** A side over the denoiser's {@code input} and {@code output}, with each thread's views of them. */
    private Side side(FloatTensor input, FloatTensor output) {
        float g = (float) plan.guidance();
        return new Side(input, output, new Guidance.Combined(output, eps.size(), g), input.buffer().duplicate(),
                new Guidance.Combined(output, eps.size(), g));
    }

    /** Makes the odd steps' side and {@code unet}'s call over it, once a render (and again for another call). */
    private void alternate(ComponentCall unet) throws IOException {
        if (sides[1] == null) {
            // written whole before they are read: the input by step 0's preparation and advance, the output by step 1's run
            sides[1] = side(ctx.tensors.unfilled(sample.shape()), ctx.tensors.unfilled(noisePred.shape()));
        }
        if (alternateOf != unet) {
            try {
                alternateUnet = unet.alternate(Contract.SAMPLE, sides[1].sample(), Contract.NOISE_PRED,
                        sides[1].output());
            } catch (OrtException e) {
                throw new PackException(unet.name() + ": cannot bind a second sample: " + e.getMessage(), e);
            }
            alternateOf = unet;
        }
    }

    /**
     * Step {@code i}, prepared: while the denoiser runs on one core, the helper thread completes the last
     * step's history and sums on the other what the next latents owe to it and to the current ones; once
     * the output is in, this thread adds its term, writing the next latents to every branch. The two sides
     * alternate: the next latents are summed where the last step's input was, so what waits on the run
     * reads the two branches' outputs and that sum and writes the branches, with no other array
     * (docs/performance.md measures it).
     */
    private void preparedStep(Sampler sampler, int clip, int i, double t, ComponentCall unet) throws IOException {
        samplingTime.start();
        int n = latents.size();
        Side now = sides[i & 1], next = sides[(i + 1) & 1];
        if (i == 0) {
            // later steps write every branch as they advance
            for (int b = 1; b < plan.branches(); b++) {
                sample.copyFrom(latents, b * n);
            }
        }
        timestep.set(t);
        if (sinusoid != null) {
            sinusoid.set(timestep.given());
        }
        if (helper == null) {
            helper = HelperTasks.singleThread("emo4j-sampling");
        }
        sampler.beginPreparedStep(i, n);
        // the preparation only reads the current side, as the denoiser does; a failed run leaves it to close().
        // The other side holds the last step's input and output, and receives the next input.
        SharedRanges preparing = SharedRanges.start(helper, n, (from, to, onHelper) -> sampler.prepareRange(
                now.sample(onHelper), next.sample(onHelper), next.guided(onHelper), next.sample(onHelper), from, to));
        samplingTime.stop();
        denoiseTime.start();
        try {
            ((i & 1) == 0 ? unet : alternateUnet).run();
        } finally {
            denoiseTime.stop();
        }
        unetRuns++;
        samplingTime.start();
        preparing.finish("preparing the sampling step");
        // this thread alone: a helper that shared these blocks held the render up whenever the scheduler took
        // its core mid-block for another thread's time slice (13 ms, every tenth step with H.264 beside it)
        sampler.advanceRange(now.guided(), next.sample().buffer(), 0, n);
        sampler.endStep();
        if (!now.guided().finite()) {
            throw nonFinite(unet, clip, i);
        }
        samplingTime.stop();
    }

    private static PackException nonFinite(ComponentCall unet, int clip, int i) {
        return new PackException(unet.name() + ": output 'noise_pred' holds NaN or infinite values at clip " + (clip + 1)
                + ", step " + (i + 1) + "; nothing was written");
    }

    /**
     * Guidance over the branches' predictions and the sampler's step {@code i}; returns whether every
     * guided value was finite (if not, the latents mean nothing and the render stops). A sampler that
     * reads its input in chunks gets the plain guided prediction as it reads it, unless the render is
     * traced (the trace records the guided prediction whole).
     */
    private boolean guideAndStep(Sampler sampler, int i, boolean traced) throws IOException {
        RenderSpec req = ctx.spec;
        if (plainGuidance() && !traced && sampler.readsInChunks()) {
            // the guided prediction is never written whole
            if (sampler.stepsInRanges() && sharesOut()) {
                return stepShared(sampler, i);
            }
            sampler.step(i, guided, latents.buffer());
            return guided.finite();
        }
        boolean finite;
        if (plan.splitGuidance()) {
            finite = Guidance.combineSplit(noisePred, eps, (float) req.referenceGuidance(), (float) plan.guidance());
        } else if (plan.guided()) {
            finite = Guidance.combine(noisePred, eps, (float) plan.guidance());
        } else {
            finite = eps.allFinite();
        }
        if (finite && plan.guided() && req.guidanceRescale() > 0) {
            Guidance.rescale(noisePred, eps, req.guidanceRescale(), plan.branches());
        }
        if (finite) {
            sampler.step(i, eps.buffer(), latents.buffer());
        }
        return finite;
    }

    /**
     * Guidance and step {@code i} over the latents in blocks, shared with the helper thread as
     * {@link SharedRanges} shares them. The work reads and writes about 40 MB a step at Wan's sizes and
     * computes little, so one core's memory bandwidth bounds it while the denoiser waits
     * (docs/performance.md measures it). Returns whether every guided value was finite.
     */
    private boolean stepShared(Sampler sampler, int i) throws IOException {
        sampler.beginStep(i, latents.size());
        if (helper == null) {
            helper = HelperTasks.singleThread("emo4j-sampling");
        }
        SharedRanges.start(helper, latents.size(), (from, to, onHelper) -> sampler.stepRange(onHelper ? guidedOnHelper : guided,
                onHelper ? latentsOnHelper : latents.buffer(), from, to)).finish("the sampling step");
        sampler.endStep();
        boolean first = guided.finite();
        return guidedOnHelper.finite() && first;
    }

    private FloatTensor unscaled() {
        if (unscaled == null) {
            unscaled = ctx.tensors.zeros(latents.shape());
        }
        return unscaled;
    }

    @Override
    public void close() {
        if (noise != null) {
            noise.close();
        }
        if (helper != null && !HelperTasks.stop(helper)) {
            // it may still write into the latents: they must serve no other render
            ctx.tensors.abandon();
        }
    }
}
