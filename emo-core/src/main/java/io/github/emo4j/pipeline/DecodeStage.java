package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.video.compose.Compositor;
import io.github.emo4j.video.FrameSink;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * From latents to the video: each clip's latents are un-scaled and decoded by the VAE, pasted back into
 * the portrait and handed to the render's frame sink (the MP4 encoder, for a file). This runs on a helper thread over two decode slots, so
 * that while one clip is decoded, pasted back and encoded, the next one is denoised.
 */
final class DecodeStage implements AutoCloseable {
    private final RenderContext ctx;
    private final PortraitFraming framing;
    private final Renderer.ClipObserver observer;
    private final int resolution;
    private final BackgroundSink sink;
    private final ExecutorService worker = HelperTasks.singleThread("emo4j-decode");
    private final DecodeSlot[] slots = new DecodeSlot[2];
    private final int channels;
    private final int plane;
    private final float latentScaling;
    private final int frameValues;
    // used by the helper thread only, one frame at a time
    private final float[] generated;
    private final int[] rgb;
    private final Compositor.Scratch scratch;
    private final StageTimes.Stopwatch waitTime;
    private final StageTimes.Stopwatch decodeTime;
    private final StageTimes.Stopwatch compositeTime;
    private final StageTimes.Stopwatch encodeTime;

    /**
     * Opens the frames' sink from {@code frames}; it commits nothing until {@link #finish}. With
     * {@code decodedElsewhere}, clips come already decoded ({@link #submitDecoded}) and are read where they
     * are, so the slots hold no buffers.
     */
    DecodeStage(FrameSink.Factory frames, ModelPack pack, RenderPlan plan, PortraitFraming framing, RenderContext ctx,
                Renderer.ClipObserver observer, boolean decodedElsewhere) throws IOException {
        PackSettings s = pack.settings();
        this.ctx = ctx;
        this.framing = framing;
        this.observer = observer;
        this.channels = s.latentChannels();
        int clipFrames = plan.clipFrames(), h = s.latentSize(), r = s.resolution();
        this.plane = h * h;
        this.latentScaling = (float) s.latentScaling();
        this.frameValues = 3 * r * r;
        this.resolution = r;
        for (int i = 0; i < slots.length; i++) {
            slots[i] = decodedElsewhere ? new DecodeSlot(null, null, null, ctx.views, ctx.clock)
                    : new DecodeSlot(ctx.tensors.zeros(clipFrames, channels, h, h), ctx.tensors.zeros(clipFrames, 3, r, r),
                    pack.component(Role.VAE_DECODER), ctx.views, ctx.clock);
        }
        Compositor compositor = framing.compositor();
        generated = new float[frameValues];
        rgb = new int[compositor.width() * compositor.height()];
        scratch = compositor.scratch();
        waitTime = ctx.times.stage("wait_output");
        decodeTime = ctx.times.stage("vae_decode");
        compositeTime = ctx.times.stage("composite");
        encodeTime = ctx.times.stage("encode");
        FrameSink video = frames.open(compositor.width(), compositor.height(), plan.fps());
        if (video == null) {
            throw new IllegalStateException("the frame sink factory returned no sink");
        }
        sink = new BackgroundSink(video, rgb.length, 2 * clipFrames);
    }

    /**
     * Hands clip {@code clip}'s {@code latents} ({@code [1, C, F, H, W]}) to the helper thread, which
     * decodes its first {@code frames} frames and sends them to the encoder; waits first for the slot's
     * previous clip.
     */
    void submit(int clip, FloatTensor latents, int frames) throws IOException, OrtException {
        DecodeSlot slot = slots[clip & 1];
        waitTime.start();
        slot.await();
        waitTime.stop();
        // a shorter first clip has fewer frames than the slot holds
        Latents.toFrameMajor(latents, slot.decodeIn, channels, (int) latents.shape()[2], plane);
        if (latentScaling != 1f) {
            slot.decodeIn.scale(1f / latentScaling);
        }
        ComponentCall decode = slot.callFor(frames);
        slot.pending = worker.submit(() -> {
            decodeAndEmit(clip, slot, decode, frames);
            return null;
        });
    }

    /**
     * Hands clip {@code clip}'s frames, already decoded ({@code [1, 3, T, H, W]}, RGB in [0, 1]; its frames
     * {@code from .. from + frames − 1}), to the helper thread, which runs {@code check} on them, then pastes
     * them back and sends them to the encoder. The frames are read where they are, not copied (at Wan's
     * sizes a copy is 150 MB a clip on the thread that waits for it): {@code pixels} must not change until
     * {@link #drain} has returned. Waits first for the slot's previous clip.
     *
     * @return done when {@code check} is, failed with what it threw
     */
    Future<Void> submitDecoded(int clip, FloatTensor pixels, int from, int frames, Runnable check) throws IOException {
        DecodeSlot slot = slots[clip & 1];
        waitTime.start();
        slot.await();
        waitTime.stop();
        int total = (int) pixels.shape()[2], side = resolution * resolution;
        FloatBuffer src = pixels.buffer().duplicate();
        FrameSource source = (k, into) -> {
            for (int ch = 0; ch < 3; ch++) {
                src.get((ch * total + from + k) * side, into, ch * side, side);
            }
        };
        CompletableFuture<Void> checked = new CompletableFuture<>();
        slot.pending = worker.submit(() -> {
            try {
                check.run();
            } catch (RuntimeException | Error e) {
                // the render's thread waits on this: it must end, whatever the check threw
                checked.completeExceptionally(e);
                throw e;
            }
            checked.complete(null);
            emit(clip, source, frames);
            return null;
        });
        return checked;
    }

    /** One frame of a clip, planar RGB in [0, 1], read into an array of {@code 3 × H × W}. */
    @FunctionalInterface
    private interface FrameSource {
        void read(int frame, float[] into);
    }

    /** Decodes a clip's latents in {@code slot} with {@code decode}, then composites and emits its frames. */
    private void decodeAndEmit(int clip, DecodeSlot slot, ComponentCall decode, int frames) throws IOException {
        decodeTime.start();
        decode.run(clip);
        decodeTime.stop();
        emit(clip, (k, into) -> slot.decoded.get(k * frameValues, into, 0, frameValues), frames);
    }

    /** Composites {@code frames} frames of clip {@code clip} from {@code source} and hands them to the sink. */
    private void emit(int clip, FrameSource source, int frames) throws IOException {
        Renderer.ClipObserver obs = observer;
        if (ctx.trace.on() || obs != null) {
            float[] all = new float[frames * frameValues];
            for (int k = 0; k < frames; k++) {
                source.read(k, generated);
                System.arraycopy(generated, 0, all, k * frameValues, frameValues);
            }
            if (ctx.trace.on()) {
                ctx.trace.decoded(clip, all, new long[] {frames, 3, resolution, resolution});
            }
            if (obs != null) {
                obs.onDecodedClip(clip, ctx.trace.on() ? all.clone() : all, frames);
            }
        }
        for (int k = 0; k < frames; k++) {
            compositeTime.start();
            source.read(k, generated);
            framing.compositor().compose(generated, framing.referencePixels(), rgb, scratch);
            compositeTime.stop();
            encodeTime.start();
            sink.accept(rgb);
            encodeTime.stop();
        }
    }

    /** Waits until every clip handed over has reached the encoder. */
    void drain() throws IOException {
        waitTime.start();
        for (DecodeSlot slot : slots) {
            slot.await();
        }
        waitTime.stop();
    }

    /** Waits until the sink has taken every frame handed to it, without committing it; call after {@link #drain}. */
    void flushFrames() throws IOException {
        encodeTime.start();
        sink.flush();
        encodeTime.stop();
    }

    /** Commits the sink's output (an MP4 moves to its path); call after {@link #drain}. */
    void finish() throws IOException {
        encodeTime.start();
        sink.finish();
        encodeTime.stop();
    }

    /** Stops the helper thread and closes the sink, which discards an unfinished output. */
    @Override
    public void close() throws IOException {
        if (!HelperTasks.stop(worker)) {
            ctx.tensors.abandon();
        }
        sink.close();
    }
}
