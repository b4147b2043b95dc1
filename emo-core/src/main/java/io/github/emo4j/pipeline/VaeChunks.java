package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.ChunkedVae;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.util.List;

/**
 * One direction of a causal 3-D VAE exported in chunks ({@link ChunkedVae}): the first chunk's graph, then
 * the later chunks' graph, whose caches are two fixed sets of buffers that swap roles each call, so that a
 * video of any length runs with the memory of one chunk and allocates nothing per call. Not thread-safe:
 * one per render session.
 */
final class VaeChunks {
    private final FloatTensor firstIn;
    private final FloatTensor firstOut;
    private final FloatTensor in;
    private final FloatTensor out;
    private final ComponentCall first;
    /** Later chunks: reads caches a, writes b; and the reverse. */
    private final ComponentCall aToB;
    private final ComponentCall bToA;
    private boolean inA;

    /**
     * The chunks of the pack's {@code role} ({@link Role#VAE_ENCODER} or {@link Role#VAE_DECODER}), which
     * must have its first-chunk graph.
     */
    VaeChunks(ModelPack pack, Role role, RenderContext ctx) throws OrtException {
        boolean encoder = role == Role.VAE_ENCODER;
        String data = encoder ? Contract.PIXELS : Contract.LATENTS, result = encoder ? Contract.LATENTS : Contract.PIXELS;
        var firstComponent = pack.component(ChunkedVae.firstRole(role));
        var nextComponent = pack.component(role);
        firstIn = ctx.tensors.zeros(fixed(firstComponent.spec().input(data)));
        firstOut = ctx.tensors.zeros(fixed(firstComponent.spec().output(result)));
        in = ctx.tensors.zeros(fixed(nextComponent.spec().input(data)));
        out = ctx.tensors.zeros(fixed(nextComponent.spec().output(result)));
        List<TensorSpec> caches = ChunkedVae.caches(nextComponent.spec());
        first = new ComponentCall(firstComponent, ctx.views, ctx.clock).input(data, firstIn).output(result, firstOut);
        aToB = new ComponentCall(nextComponent, ctx.views, ctx.clock).input(data, in).output(result, out);
        bToA = new ComponentCall(nextComponent, ctx.views, ctx.clock).input(data, in).output(result, out);
        for (TensorSpec c : caches) {
            FloatTensor a = ctx.tensors.zeros(fixed(c)), b = ctx.tensors.zeros(fixed(c));
            String next = c.name() + ChunkedVae.NEXT;
            first.output(next, a);
            aToB.input(c.name(), a).output(next, b);
            bToA.input(c.name(), b).output(next, a);
        }
    }

    private static long[] fixed(TensorSpec t) {
        long[] s = new long[t.rank()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.dim(i);
        }
        return s;
    }

    /** The first chunk's input, {@code [1, C, 1, h, w]} or {@code [1, 3, 1, H, W]}: fill it, then {@link #runFirst}. */
    FloatTensor firstInput() {
        return firstIn;
    }

    /** The later chunks' input: fill it, then {@link #runNext}. */
    FloatTensor nextInput() {
        return in;
    }

    /** Frames (or latent frames) a later chunk gives. */
    long nextOutputFrames() {
        return out.shape()[2];
    }

    /** Runs the first chunk, which begins the caches; returns its output, reused by the next call. */
    FloatTensor runFirst(int clip) {
        first.run(clip);
        inA = true;
        return firstOut;
    }

    /** Runs a later chunk on the caches so far; returns its output, reused by the next call. */
    FloatTensor runNext(int clip) {
        if (inA) {
            aToB.run(clip);
        } else {
            bToA.run(clip);
        }
        inA = !inA;
        return out;
    }

    /**
     * Encodes a whole video, {@code [1, 3, 1 + 4k, H, W]}, into {@code latents} {@code [1, C, 1 + k, h, w]}: its
     * first frame alone, then four frames a latent frame, the caches carried between (an encoder's chunks).
     */
    void encode(FloatTensor pixels, FloatTensor latents, int clip) {
        copyFrames(pixels, 0, firstIn, 0, 1);
        copyFrames(runFirst(clip), 0, latents, 0, 1);
        int per = (int) in.shape()[2];
        for (int j = 1; j < latents.shape()[2]; j++) {
            copyFrames(pixels, 1 + per * (j - 1), in, 0, per);
            copyFrames(runNext(clip), 0, latents, j, 1);
        }
    }

    /**
     * Copies {@code count} frames of a {@code [1, ch, T, ...]} tensor from frame {@code from} of {@code src}
     * to frame {@code to} of {@code dst}, channel by channel.
     */
    static void copyFrames(FloatTensor src, int from, FloatTensor dst, int to, int count) {
        long[] s = src.shape(), d = dst.shape();
        int channels = (int) s[1], plane = (int) (s[3] * s[4]), srcT = (int) s[2], dstT = (int) d[2];
        for (int ch = 0; ch < channels; ch++) {
            dst.buffer().put((ch * dstT + to) * plane, src.buffer(), (ch * srcT + from) * plane, count * plane);
        }
    }
}
