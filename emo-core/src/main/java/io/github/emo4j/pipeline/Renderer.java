package io.github.emo4j.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.Progress;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.RenderStats;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.face.HaarFaceDetector;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.OrtRuntime;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import io.github.emo4j.sched.Sampler;
import io.github.emo4j.sched.Scheduler;
import io.github.emo4j.sched.Schedulers;
import io.github.emo4j.video.BackgroundSink;
import io.github.emo4j.video.Compositor;
import io.github.emo4j.video.FrameSink;
import io.github.emo4j.video.Mp4Writer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders talking-head videos with a loaded pack, following EMO's method top to bottom:
 *
 * <ol>
 *   <li>the voice becomes per-frame audio windows ({@link AudioConditioning}), after a vocal separator
 *       when the pack has one ({@link VocalSeparation});</li>
 *   <li>the face is found and cropped; identity tokens, the portrait's latents, the ReferenceNet's banks
 *       and the face locator's features are made once per render ({@link Producers});</li>
 *   <li>the video is made clip by clip: each clip of f frames starts from seeded noise
 *       ({@link Latents}) and is denoised by DDIM (or the pack's scheduler) with classifier-free
 *       guidance ({@link Guidance}), conditioned on reference features, audio windows, masks
 *       ({@link Masks}), head speed and the previous clip's last frames — as motion latents, through
 *       the ReferenceNet ({@link ReferenceMotion}) or as overlapping context windows;</li>
 *   <li>each clip is decoded ({@link DecodeSlot}), pasted back into the portrait and streamed to the
 *       encoder, which runs on its own threads.</li>
 * </ol>
 *
 * <p>A renderer holds no per-render state, so one instance serves concurrent renders. Every buffer a
 * render needs is allocated when it starts and reused for every step; none is allocated per step.
 */
public final class Renderer {
    private static final Logger LOG = LoggerFactory.getLogger(Renderer.class);

    private final ModelPack pack;
    private final Scheduler scheduler;
    private final FaceDetector detector;

    /** Called with each clip's decoded frames that reach the video, {@code [frames][3][R][R]}, before compositing; for tests. */
    interface ClipObserver {
        void onDecodedClip(int clip, float[] pixels, int validFrames);
    }

    private volatile ClipObserver observer;

    /** A renderer using the pack's own face detector when it has one, else the built-in one. */
    public Renderer(ModelPack pack) {
        this(pack, pack.has(Role.FACE_DETECTOR) ? new io.github.emo4j.pack.OnnxFaceDetector(pack.component(Role.FACE_DETECTOR))
                : HaarFaceDetector.frontalFace());
    }

    public Renderer(ModelPack pack, FaceDetector detector) {
        this.pack = pack;
        this.detector = detector;
        try {
            this.scheduler = Schedulers.fromConfig(pack.manifest().scheduler());
        } catch (IllegalArgumentException e) {
            throw new io.github.emo4j.PackException(pack.source() + ": " + e.getMessage(), e);
        }
    }

    void observe(ClipObserver o) {
        this.observer = o;
    }

    /** What a finished render produced. */
    public record Outcome(long frames, int fps, int width, int height, RenderStats stats) {
    }

    /** The face box a render of {@code portrait} would use. */
    public FaceBox locateFace(BufferedImage portrait, FaceBox given) {
        if (given != null) {
            if (!given.fitsIn(portrait.getWidth(), portrait.getHeight())) {
                throw new InvalidInputException("face box " + given + " does not lie inside the "
                        + portrait.getWidth() + "x" + portrait.getHeight() + " portrait");
            }
            if (given.width() < 16 || given.height() < 16) {
                throw new InvalidInputException("face box " + given + " is too small (at least 16x16 pixels)");
            }
            return given;
        }
        return detector.detect(portrait).orElseThrow(() -> new InvalidInputException(
                "no face found in the portrait; give its position with --face X,Y,W,H"));
    }

    /**
     * Renders {@code req} into an MP4 at {@code out}. The file appears only when the render succeeds.
     */
    public Outcome render(RenderRequest req, Path out) {
        long start = System.nanoTime();
        Map<String, Long> stages = new LinkedHashMap<>();
        PackSettings s = pack.settings();
        int fps = req.fps() > 0 ? req.fps() : s.fps();
        int steps = req.steps() > 0 ? req.steps() : s.defaultSteps();
        double guidance = Double.isNaN(req.guidance()) ? s.defaultGuidance() : req.guidance();
        // a denoiser exported with a fixed guidance batch (Hallo's always has two branches) runs it at any
        // scale: at 1 the combination gives the conditional prediction
        long fixedBatch = pack.component(Role.DENOISING_UNET).spec().input(Contract.SAMPLE).dim(0);
        boolean split = !Double.isNaN(req.referenceGuidance()) && (guidance > 1.0 || fixedBatch == 3);
        boolean cfg = guidance > 1.0 || fixedBatch >= 2 || split;
        int batch = split ? 3 : (cfg ? 2 : 1);
        if (cfg && guidance < 1.0) {
            guidance = 1.0;
        }
        if (fixedBatch > 0 && fixedBatch != batch) {
            throw new InvalidInputException("this pack's denoiser runs " + fixedBatch + " guidance branch"
                    + (fixedBatch == 1 ? "" : "es") + " ('sample' has leading dimension " + fixedBatch + "); "
                    + (batch == 3 ? "separate reference guidance needs 3" : fixedBatch == 3
                    ? "give a reference guidance scale too" : "guidance " + guidance + " needs " + batch));
        }
        double seconds = req.audio().durationSeconds();
        long frames = Math.round(seconds * fps);
        if (frames < 1) {
            throw new InvalidInputException(String.format("audio is too short (%.3f s) for one frame at %d fps", seconds, fps));
        }
        if (frames > 24L * 3600 * fps) {
            throw new InvalidInputException("audio is longer than 24 hours");
        }
        Scheduler sched = scheduler;
        float initSigma;
        if (req.scheduler() != null) {
            try {
                sched = Schedulers.fromConfig(Schedulers.switchTo(pack.manifest().scheduler(), req.scheduler()));
                initSigma = sched.sampler(steps, 0).initNoiseSigma();
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("scheduler " + req.scheduler() + " on this pack: " + e.getMessage());
            }
        } else {
            initSigma = sched.sampler(steps, 0).initNoiseSigma();
        }
        int f = s.clipFrames(), n = s.motionFrames(), c = s.latentChannels(), h = s.latentSize(), r = s.resolution();
        int overlap = s.contextOverlap();
        int stride = f - overlap;
        int clips = overlap == 0 ? (int) ((frames + f - 1) / f) : (int) Math.max(1, (frames - overlap + stride - 1) / stride);
        req.progress().onProgress(new Progress(Progress.Stage.PREPARE, 0, clips, 0, steps, 0, -1));

        long t = System.nanoTime();
        BufferedImage portrait = req.portrait();
        FaceBox face = locateFace(portrait, req.face());
        FaceCrop crop = FaceCrop.around(face, r);
        float[] refPixels = crop.extract(portrait);
        Compositor compositor = new Compositor(portrait, crop);
        stages.merge("face", System.nanoTime() - t, Long::sum);

        t = System.nanoTime();
        OrtClock clock = new OrtClock();
        long[] ort = {0};
        AudioClip voice = req.audio();
        if (pack.has(Role.VOCAL_SEPARATOR)) {
            voice = VocalSeparation.vocals(voice, pack.component(Role.VOCAL_SEPARATOR), s.separatorSampleRate(), clock, ort);
            stages.merge("vocal_separation", System.nanoTime() - t, Long::sum);
            t = System.nanoTime();
        }
        AudioConditioning audio = AudioConditioning.encode(voice, pack.component(Role.AUDIO_ENCODER), s, fps);
        stages.merge("audio", System.nanoTime() - t, Long::sum);
        ort[0] += audio.encoderNanos();
        clock.addAlone(audio.encoderNanos());
        List<AutoCloseable> views = new ArrayList<>();
        try {
            t = System.nanoTime();
            // identity, ReferenceNet and face locator: once per render
            Producers producers = new Producers(pack, views, clock, batch);
            if (pack.has(Role.IMAGE_ENCODER)) {
                TensorSpec fi = pack.component(Role.IMAGE_ENCODER).spec().input(Contract.FACE_IMAGE);
                producers.run(Role.IMAGE_ENCODER, Map.of(Contract.FACE_IMAGE, faceImage(portrait, face, fi)), 1);
            }
            if (pack.has(Role.IMAGE_PROJECTION)) {
                producers.run(Role.IMAGE_PROJECTION, Map.of(), 1);
            }
            FloatTensor refLatents = FloatTensor.zeros(1, c, h, h);
            ort[0] += new Call(pack.component(Role.VAE_ENCODER), views, clock)
                    .input(Contract.PIXELS, FloatTensor.of(refPixels, 1, 3, r, r))
                    .output(Contract.LATENTS, refLatents).run();
            float latentScaling = (float) s.latentScaling();
            if (latentScaling != 1f) {
                refLatents.scale(latentScaling);
            }
            producers.run(Role.REFERENCE_NET, Map.of(Contract.REFERENCE_LATENTS, refLatents), 1);
            TensorSpec faceMaskSpec = pack.component(Role.FACE_LOCATOR).spec().input(Contract.FACE_MASK);
            producers.run(Role.FACE_LOCATOR, Map.of(Contract.FACE_MASK, Masks.tiled(faceMaskSpec, crop, 1, f, h, pack.source())), 1);
            ReferenceMotion refMotion = s.referenceMotionFrames() > 0
                    ? new ReferenceMotion(pack, producers, views, clock, refLatents, batch) : null;
            ort[0] += producers.nanos();
            stages.merge("reference", System.nanoTime() - t, Long::sum);

            // Buffers for the whole render, reused by every clip and step.
            int win = audio.windowValues();
            FloatTensor sample = FloatTensor.zeros(batch, c, f, h, h);
            FloatTensor latents = cfg ? FloatTensor.zeros(1, c, f, h, h) : sample;
            FloatTensor noisePred = FloatTensor.zeros(batch, c, f, h, h);
            FloatTensor eps = cfg ? FloatTensor.zeros(1, c, f, h, h) : noisePred;
            FloatTensor windows = FloatTensor.zeros(batch, f, s.audioWindow() * 2 + 1, s.audioFeatureDim());
            FloatTensor motion = FloatTensor.zeros(1, c, n, h, h);
            if (s.firstMotionIsReference()) {
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < n; j++) {
                        motion.buffer().put((ch * n + j) * h * h, refLatents.buffer(), ch * h * h, h * h);
                    }
                }
            }
            float[] tail = overlap > 0 ? new float[c * overlap * h * h] : null;
            FloatTensor frameTime = FloatTensor.zeros(f);
            FloatTensor motionScale = FloatTensor.of(new float[] {
                (float) req.motion().pose(), (float) req.motion().expression(), (float) req.motion().lip()}, 3);
            FloatTensor headSpeed = FloatTensor.zeros(f);
            LongBuffer timestep = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asLongBuffer();

            // per-clip producers: the audio projection (Hallo's audio_proj) on the conditional windows, and
            // the speed encoder (EMO's speed layers) on the clip's head speeds
            Map<String, FloatTensor> projected = new HashMap<>();
            Call projectionCall = null;
            FloatTensor projectionIn = null;
            if (pack.has(Role.AUDIO_PROJECTION)) {
                OnnxComponent proj = pack.component(Role.AUDIO_PROJECTION);
                projectionIn = FloatTensor.zeros(fixedShape(proj.spec().input(Contract.AUDIO_WINDOWS), Role.AUDIO_PROJECTION));
                if (projectionIn.size() != f * win) {
                    throw new io.github.emo4j.PackException(pack.source() + ": audio_projection input 'audio_windows' holds "
                            + projectionIn.size() + " values; one clip's windows are " + f + " × " + win);
                }
                projectionCall = perClipCall(Role.AUDIO_PROJECTION, Contract.AUDIO_WINDOWS, projectionIn, producers, projected, f);
            }
            Call speedCall = null;
            FloatTensor speedIn = null;
            if (pack.has(Role.SPEED_ENCODER)) {
                speedIn = FloatTensor.zeros(producers.shape(pack.component(Role.SPEED_ENCODER).spec().input(Contract.HEAD_SPEED),
                        Role.SPEED_ENCODER, f));
                if (speedIn.size() != f) {
                    throw new io.github.emo4j.PackException(pack.source() + ": speed_encoder input 'head_speed' holds "
                            + speedIn.size() + " values; a clip has " + f + " frames");
                }
                speedCall = perClipCall(Role.SPEED_ENCODER, Contract.HEAD_SPEED, speedIn, producers, projected, f);
            }
            List<FloatTensor[]> perClip = new ArrayList<>();
            List<TensorSpec> perClipSpecs = new ArrayList<>();
            List<String> refreshed = new ArrayList<>();

            OnnxComponent unet = pack.component(Role.DENOISING_UNET);
            Call unetCall = new Call(unet, views, clock).input(Contract.SAMPLE, sample)
                    .input(Contract.TIMESTEP, OnnxTensor.createTensor(OrtRuntime.env(), timestep, new long[] {1}));
            for (TensorSpec in : unet.spec().inputs()) {
                String name = in.name();
                FloatTensor bound = switch (name) {
                    case Contract.SAMPLE, Contract.TIMESTEP -> null;
                    case Contract.AUDIO_WINDOWS -> windows;
                    case Contract.MOTION_LATENTS -> motion;
                    case Contract.FRAME_TIME -> frameTime;
                    case Contract.MOTION_SCALE -> motionScale;
                    case Contract.HEAD_SPEED -> headSpeed;
                    default -> {
                        if (Contract.isMaskLevel(name)) {
                            yield Masks.tiled(in, crop, batch, f, h, pack.source());
                        }
                        FloatTensor proj = projected.get(name);
                        if (proj != null) {
                            FloatTensor dst = producers.forGuidance(proj, in);
                            if (dst != proj) {
                                perClip.add(new FloatTensor[] {proj, dst});
                                perClipSpecs.add(in);
                            }
                            yield dst;
                        }
                        if (refMotion != null && refMotion.carries(name)) {
                            yield refMotion.bankFor(in);
                        }
                        FloatTensor src = producers.get(name);
                        if (src == null) {
                            throw new io.github.emo4j.PackException(pack.source() + ": denoising_unet input '" + name
                                    + "' is produced by no component");
                        }
                        yield producers.forGuidance(src, in);
                    }
                };
                if (bound != null) {
                    // per-clip tensors are converted again once per clip; the rest stay as bound
                    boolean perClipValues = bound == windows || bound == motion || bound == frameTime || bound == headSpeed
                            || projected.containsKey(name) || (refMotion != null && refMotion.carries(name));
                    unetCall.input(name, bound, false);
                    if (perClipValues) {
                        refreshed.add(name);
                    }
                }
            }
            unetCall.output(Contract.NOISE_PRED, noisePred);
            // two decode slots: while one clip is decoded, pasted back and queued for encoding on the
            // worker, the next clip is denoised here
            DecodeSlot[] slots = new DecodeSlot[2];
            for (int i = 0; i < slots.length; i++) {
                FloatTensor decodeIn = FloatTensor.zeros(f, c, h, h);
                FloatTensor decoded = FloatTensor.zeros(f, 3, r, r);
                slots[i] = new DecodeSlot(decodeIn, decoded, pack.component(Role.VAE_DECODER), views, clock);
            }

            int frameValues = 3 * r * r;
            float[] gen = new float[frameValues];
            int[] rgb = new int[compositor.width() * compositor.height()];
            Compositor.Scratch scratch = compositor.scratch();
            int condOffset = (batch - 1) * f * win;
            long unetRuns = 0;
            long unetNanos = 0, encodeNanos = 0, noiseNanos = 0, samplingNanos = 0, waitNanos = 0;
            // written by the decode worker only; read after it has finished (Future.get orders it)
            long[] worker = new long[4]; // ort, decode, composite, encode

            try (FrameSink sink = new BackgroundSink(new Mp4Writer(out, compositor.width(), compositor.height(), fps, 1,
                    req.audio().samples(), req.audio().sampleRate(), req.encoding()), rgb.length, 2 * f)) {
                ExecutorService decoder = Executors.newSingleThreadExecutor(task -> {
                    Thread th = new Thread(task, "emo4j-decode");
                    th.setDaemon(true);
                    return th;
                });
                NoisePrefetch noise = new NoisePrefetch(latents.shape(), req.seed(), initSigma, clips);
                try {
                    long loopStart = System.nanoTime();
                    for (int clip = 0; clip < clips; clip++) {
                        long first = (long) clip * stride;
                        int valid = (int) Math.min(f, frames - first);
                        // with context windows the last frames wait for the next clip's cross-fade
                        int emit = overlap > 0 && clip < clips - 1 ? stride : valid;
                        audio.windows(first, f, windows, condOffset);
                        for (int k = 0; k < f; k++) {
                            double at = (first + k) / (double) fps;
                            frameTime.set(k, (float) at);
                            headSpeed.set(k, (float) req.motion().headSpeedAt(at));
                        }
                        if (projectionCall != null) {
                            audio.windows(first, f, projectionIn, 0);
                            ort[0] += projectionCall.run();
                        }
                        if (speedCall != null) {
                            speedIn.copyFrom(headSpeed, 0);
                            ort[0] += speedCall.run();
                        }
                        for (int q = 0; q < perClip.size(); q++) {
                            producers.fillBranches(perClip.get(q)[0], perClipSpecs.get(q), perClip.get(q)[1]);
                        }
                        if (refMotion != null) {
                            ort[0] += refMotion.update(clip, latents, s.firstMotionIsReference());
                        }
                        for (String name : refreshed) {
                            unetCall.refresh(name);
                        }
                        Sampler sampler = sched.sampler(steps, req.seed() * 31 + clip);
                        double[] ts = sampler.timesteps();
                        long n0 = System.nanoTime();
                        noise.take(clip, latents);
                        noiseNanos += System.nanoTime() - n0;
                        for (int i = 0; i < ts.length; i++) {
                            checkCancelled(req);
                            long s0 = System.nanoTime();
                            float scale = sampler.inputScale(i);
                            if (cfg) {
                                for (int b = 0; b < batch; b++) {
                                    sample.copyFrom(latents, b * latents.size());
                                }
                            }
                            if (scale != 1f) {
                                sample.scale(scale);
                            }
                            timestep.put(0, Math.round(ts[i]));
                            long u0 = System.nanoTime();
                            ort[0] += unetCall.run();
                            long u1 = System.nanoTime();
                            unetNanos += u1 - u0;
                            samplingNanos += u0 - s0;
                            unetRuns++;
                            if (split) {
                                Guidance.combineSplit(noisePred, eps, (float) req.referenceGuidance(), (float) guidance);
                            } else if (cfg) {
                                Guidance.combine(noisePred, eps, (float) guidance);
                            }
                            if (cfg && req.guidanceRescale() > 0) {
                                Guidance.rescale(noisePred, eps, req.guidanceRescale(), batch);
                            }
                            if (!cfg && scale != 1f) {
                                sample.scale(1f / scale);
                            }
                            sampler.step(i, eps.buffer(), latents.buffer());
                            samplingNanos += System.nanoTime() - u1;
                            double done = (clip * (double) ts.length + i + 1) / (clips * (double) ts.length);
                            double elapsed = (System.nanoTime() - loopStart) / 1e9;
                            req.progress().onProgress(new Progress(Progress.Stage.DENOISE, clip, clips, i + 1, ts.length,
                                    done, elapsed / done * (1 - done)));
                        }
                        if (overlap > 0) {
                            Latents.crossFade(latents, tail, clip > 0, c, f, overlap, h * h);
                        }
                        DecodeSlot slot = slots[clip & 1];
                        long w0 = System.nanoTime();
                        slot.await();
                        waitNanos += System.nanoTime() - w0;
                        Latents.toFrameMajor(latents, slot.decodeIn, c, f, h * h);
                        if (latentScaling != 1f) {
                            slot.decodeIn.scale(1f / latentScaling);
                        }
                        int clipIndex = clip, emitted = emit;
                        Call decodeCall = slot.callFor(emit);
                        slot.pending = decoder.submit(() -> {
                            long d0 = System.nanoTime();
                            worker[0] += decodeCall.run();
                            worker[1] += System.nanoTime() - d0;
                            ClipObserver obs = observer;
                            if (obs != null) {
                                float[] all = new float[emitted * frameValues];
                                slot.decoded.get(0, all, 0, all.length);
                                obs.onDecodedClip(clipIndex, all, emitted);
                            }
                            for (int k = 0; k < emitted; k++) {
                                long c0 = System.nanoTime();
                                slot.decoded.get(k * frameValues, gen, 0, frameValues);
                                compositor.compose(gen, refPixels, rgb, scratch);
                                long c1 = System.nanoTime();
                                sink.accept(rgb);
                                worker[2] += c1 - c0;
                                worker[3] += System.nanoTime() - c1;
                            }
                            return null;
                        });
                        if (overlap == 0) {
                            Latents.keepMotionFrames(latents, motion, c, f, n, h * h);
                        }
                    }
                    long w0 = System.nanoTime();
                    for (DecodeSlot slot : slots) {
                        slot.await();
                    }
                    waitNanos += System.nanoTime() - w0;
                } finally {
                    noise.close();
                    decoder.shutdownNow();
                    try {
                        decoder.awaitTermination(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                checkCancelled(req);
                req.progress().onProgress(new Progress(Progress.Stage.ENCODE, clips - 1, clips, steps, steps, 1, 0));
                long e0 = System.nanoTime();
                sink.finish();
                encodeNanos += System.nanoTime() - e0;
            }
            ort[0] += worker[0];
            stages.put("denoise", unetNanos);
            stages.put("noise", noiseNanos);
            stages.put("sampling", samplingNanos);
            stages.put("wait_output", waitNanos);
            stages.put("vae_decode", worker[1]);
            stages.put("composite", worker[2]);
            stages.put("encode", encodeNanos + worker[3]);
            stages.put("onnx_total", ort[0]);
            RenderStats stats = new RenderStats(System.nanoTime() - start, stages, clock.busyNanos(), unetRuns);
            req.progress().onProgress(new Progress(Progress.Stage.DONE, clips - 1, clips, steps, steps, 1, 0));
            LOG.debug("rendered {} frames in {} clips: {}", frames, clips, stats);
            return new Outcome(frames, fps, compositor.width(), compositor.height(), stats);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted() || e instanceof java.io.InterruptedIOException) {
                throw new RenderCancelledException("render interrupted; no output was written");
            }
            throw new EmoException(out + ": cannot write video: " + e.getMessage(), e);
        } catch (OrtException e) {
            throw new EmoException("ONNX Runtime error: " + e.getMessage(), e);
        } finally {
            Call.closeAll(views);
        }
    }

    /**
     * A per-clip component fed {@code in} (plus earlier outputs), its outputs pinned into {@code produced};
     * a symbolic leading output dimension is the clip's {@code frames}.
     */
    private Call perClipCall(Role role, String input, FloatTensor in, Producers producers, Map<String, FloatTensor> produced,
                             int frames) throws OrtException {
        return producers.pinOutputs(producers.bind(role, Map.of(input, in), false), role, frames, produced);
    }

    /**
     * The image encoder's input: a square around the face box, 1.2 times its larger side (the margin
     * face-recognition crops keep), resampled to the side the manifest declares, RGB in [0, 1].
     */
    private FloatTensor faceImage(BufferedImage portrait, FaceBox face, TensorSpec spec) {
        long side = spec.rank() == 4 ? spec.dim(3) : -1;
        if (side <= 0 || spec.dim(2) != side || spec.dim(1) != 3) {
            throw new io.github.emo4j.PackException(pack.source() + ": image_encoder input 'face_image' must be [1, 3, S, S] "
                    + "with S fixed, not " + spec.shape());
        }
        double span = 1.2 * Math.max(face.width(), face.height());
        FaceCrop crop = new FaceCrop(face, face.centerX() - span / 2, face.centerY() - span / 2, span, (int) side);
        return FloatTensor.of(crop.extract(portrait), 1, 3, side, side);
    }

    private long[] fixedShape(TensorSpec t, Role role) {
        String output = t.name();
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
            if (shape[i] < 0) {
                throw new io.github.emo4j.PackException(pack.source() + ": " + role.key() + " tensor '" + output
                        + "' must have a fixed shape, not " + t.shape());
            }
        }
        return shape;
    }

    private static void checkCancelled(RenderRequest req) {
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new RenderCancelledException("render interrupted; no output was written");
        }
        if (req.cancel() != null && req.cancel().isCancelled()) {
            throw new RenderCancelledException("render cancelled; no output was written");
        }
    }
}
