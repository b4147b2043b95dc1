package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.LatentLayout;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;

/**
 * A causal 3-D VAE's decode of a clip, as Wan2.2-S2V does it: the clip's latents after context latents
 * (the portrait's for the first clip, the motion latents after), so that the decoder's causal state
 * continues the video; of the {@code 1 + 4 (n − 1)} frames decoded, the clip's are the last
 * {@code 4 × clip latents}. Two fixed shapes, each bound once. A VAE exported in chunks
 * ({@link VaeChunks}) runs the context through the first chunks only for their caches, and keeps the
 * clip's frames alone, so a decode's memory is one chunk's and the clip's, whatever the context.
 */
final class ContextDecoder {
    private final float latentScaling;
    private final Call first;
    private final Call later;
    /** The VAE in chunks, or {@code null}; then the clip's frames go to {@link #chunked}. */
    private final VaeChunks chunks;
    private final FloatTensor chunked;
    /** The frames a clip's latents decode to, the last of each decode's output. */
    private final int clipVideoFrames;
    /** The call of the last whole decode, whose output {@link #check} reads; {@code null} in chunks. */
    private volatile Call checking;

    /** One shape's input, output and call. */
    private record Call(FloatTensor in, FloatTensor out, ComponentCall call, int context) {
    }

    /**
     * A decoder for clips of {@code clipFrames} frames laid out as {@code layout}, after {@code firstContext}
     * latents for the first clip and {@code laterContext} for the others.
     */
    ContextDecoder(ModelPack pack, LatentLayout layout, int clipFrames, int firstContext, int laterContext,
                   RenderContext ctx) throws OrtException {
        this.latentScaling = (float) pack.settings().latentScaling();
        int n = layout.clipLatentFrames(clipFrames), r = pack.settings().resolution();
        this.clipVideoFrames = layout.temporalCompression() * n;
        if (pack.has(Role.VAE_DECODER_FIRST)) {
            chunks = new VaeChunks(pack, Role.VAE_DECODER, ctx);
            // each decode writes it whole
            chunked = ctx.tensors.unfilled(1, 3, (long) layout.temporalCompression() * n, r, r);
            first = later = null;
            return;
        }
        chunks = null;
        chunked = null;
        first = call(pack, layout, firstContext, n, r, ctx);
        later = laterContext == firstContext ? first : call(pack, layout, laterContext, n, r, ctx);
    }

    private static Call call(ModelPack pack, LatentLayout layout, int context, int n, int r, RenderContext ctx)
            throws OrtException {
        FloatTensor in = ctx.tensors.zeros(1, layout.channels(), context + n, layout.height(), layout.width());
        // the decoder's output, written whole by each run
        FloatTensor out = ctx.tensors.unfilled(1, 3, layout.videoFrames(context + n), r, r);
        ComponentCall c = new ComponentCall(pack.component(Role.VAE_DECODER), ctx.views, ctx.clock)
                .input(Contract.LATENTS, in).output(Contract.PIXELS, out).checkedElsewhere();
        return new Call(in, out, c, context);
    }

    /**
     * Decodes clip {@code clip}'s {@code latents} ({@code [1, C, n, h, w]}) after {@code context}
     * ({@code [1, C, k, h, w]}); returns the pixels, {@code [1, 3, T, H, W]}, whose last {@code 4n} frames are
     * the clip's, not yet checked ({@link #check}). The tensor is reused by the next call.
     */
    FloatTensor decode(int clip, FloatTensor context, FloatTensor latents) {
        if (chunks != null) {
            return decodeInChunks(clip, context, latents);
        }
        Call c = clip == 0 ? first : later;
        int k = (int) context.shape()[2], n = (int) latents.shape()[2];
        if (k != c.context()) {
            throw new IllegalStateException("context of " + k + " latent frames; this decoder was bound for " + c.context());
        }
        VaeChunks.copyFrames(context, 0, c.in(), 0, k);
        VaeChunks.copyFrames(latents, 0, c.in(), k, n);
        if (latentScaling != 1f) {
            c.in().scale(1f / latentScaling);
        }
        c.call().run(clip);
        checking = c;
        return c.out();
    }

    /**
     * Checks that the clip frames of the last decode ({@code clip}'s) are finite; a decode in chunks has
     * checked each chunk's output already. Reads the decode's output only, so it may run on another thread
     * while this one reads the same frames.
     *
     * @throws io.github.emo4j.PackException naming the decoder's output when a value is NaN or infinite
     */
    void check(int clip) {
        if (checking != null) {
            checkClipFrames(checking, clip);
        }
    }

    /**
     * Checks that the clip's frames, the last {@link #clipVideoFrames} of {@code c}'s output, are finite; the
     * context's frames before them are thrown away, so they are not read (at Wan's sizes they are 60% of it).
     */
    private void checkClipFrames(Call c, int clip) {
        FloatTensor pixels = c.out();
        long[] shape = pixels.shape();
        int t = (int) shape[2], plane = (int) (shape[3] * shape[4]);
        for (int ch = 0; ch < shape[1]; ch++) {
            int end = (ch + 1) * t * plane;
            if (!pixels.allFinite(end - clipVideoFrames * plane, end)) {
                throw c.call().notFinite(Contract.PIXELS, clip);
            }
        }
    }

    /**
     * The decode chunk by chunk: the context's latents only warm the caches; the clip's latents give four
     * frames each, all of them the clip's. Returns {@code [1, 3, 4n, H, W]}.
     */
    private FloatTensor decodeInChunks(int clip, FloatTensor context, FloatTensor latents) {
        int k = (int) context.shape()[2], n = (int) latents.shape()[2], each = (int) chunks.nextOutputFrames();
        if ((long) n * each != chunked.shape()[2]) {
            throw new IllegalStateException(n + " latent frames; this decoder was bound for " + chunked.shape()[2] / each);
        }
        VaeChunks.copyFrames(context, 0, chunks.firstInput(), 0, 1);
        scaleIn(chunks.firstInput());
        chunks.runFirst(clip);
        for (int j = 1; j < k + n; j++) {
            FloatTensor source = j < k ? context : latents;
            VaeChunks.copyFrames(source, j < k ? j : j - k, chunks.nextInput(), 0, 1);
            scaleIn(chunks.nextInput());
            FloatTensor made = chunks.runNext(clip);
            if (j >= k) {
                VaeChunks.copyFrames(made, 0, chunked, (j - k) * each, each);
            }
        }
        return chunked;
    }

    private void scaleIn(FloatTensor t) {
        if (latentScaling != 1f) {
            t.scale(1f / latentScaling);
        }
    }
}
