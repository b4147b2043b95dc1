package io.github.emo4j.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.github.emo4j.EmoException;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.onnx.OrtRuntime;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.OnnxComponent;
import io.github.emo4j.pack.PromptEmbeddings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import io.github.emo4j.pack.TextEncoding;
import io.github.emo4j.text.PromptCleaning;
import io.github.emo4j.text.Tokens;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The denoiser's text context for one render, as Wan's T5EncoderModel makes it: each prompt cleaned,
 * tokenized to L ids (padded after), encoded, and its rows past the prompt's tokens zeroed (Wan cuts
 * them off, and its transformer pads the context back to L with zeros). A render that gives no prompt
 * takes the pack's stored embeddings when it has them, else the prompts its settings name. A prompt the
 * renderer encoded before is taken from its {@link PromptCache}, without the encoder.
 */
final class TextConditioning {
    private TextConditioning() {
    }

    /**
     * The render's prompt embeddings, or {@code null} when the denoiser takes no text; the negative
     * prompt's only with {@code negativeUsed} (an unconditional branch runs), else zeros.
     */
    static PromptEmbeddings of(ModelPack pack, RenderSpec spec, RenderContext ctx, PromptCache cache, boolean negativeUsed) {
        boolean given = spec.prompt() != null || spec.negativePrompt() != null;
        if (!pack.has(Role.TEXT_ENCODER)) {
            if (given) {
                throw new InvalidInputException((spec.prompt() != null ? "prompt" : "negativePrompt") + ": this pack has no "
                        + "text_encoder; " + (pack.prompt() != null ? "its prompt is stored as embeddings (settings.text_context)"
                        : "its denoiser takes no text"));
            }
            return pack.prompt();
        }
        if (!given && pack.prompt() != null) {
            return pack.prompt();
        }
        TextEncoding te = pack.settings().textEncoding();
        OnnxComponent encoder = pack.component(Role.TEXT_ENCODER);
        TensorSpec context = pack.component(Role.DENOISING_UNET).spec().input(Contract.TEXT_CONTEXT);
        int tokens = pack.tokenizer().length();
        String prompt = PromptCleaning.clean(te.cleaning(), spec.prompt() != null ? spec.prompt() : te.prompt());
        String negative = PromptCleaning.clean(te.cleaning(),
                spec.negativePrompt() != null ? spec.negativePrompt() : te.negativePrompt());
        float[] p = cache.get(prompt);
        float[] n = negativeUsed ? cache.get(negative) : null;
        if (p == null || (negativeUsed && n == null)) {
            // only now is the encoder needed: with --low-memory, holding it loads it again
            long before = encoder.nanosInRun(), t0 = System.nanoTime();
            try (OnnxComponent.Hold hold = encoder.hold()) {
                if (p == null) {
                    p = encode(pack, encoder, te, prompt, tokens);
                    cache.put(prompt, p);
                }
                if (negativeUsed && n == null) {
                    n = encode(pack, encoder, te, negative, tokens);
                    cache.put(negative, n);
                }
            }
            // the component's counter is shared with concurrent renders; this call's own span bounds it
            ctx.clock.addAlone(Math.min(System.nanoTime() - t0, encoder.nanosInRun() - before));
        }
        if (!negativeUsed) {
            n = new float[p.length];
        }
        int width = p.length / tokens;
        if (context.dim(2) > 0 && width != context.dim(2)) {
            throw new PackException(encoder.name() + ": output 'text_context' is " + width + " wide; denoising_unet takes "
                    + context.dim(2));
        }
        if (ctx.trace.on()) {
            ctx.trace.render("text_context", FloatTensor.of(p, 1, tokens, width), "[1, L, D], the prompt's, zero past its tokens");
            ctx.trace.render("negative_text_context", FloatTensor.of(n, 1, tokens, width), "[1, L, D], the negative prompt's");
        }
        return new PromptEmbeddings(tokens, width, p, n);
    }

    /** One cleaned prompt's rows: {@code [L, D]}, zero past its tokens. */
    private static float[] encode(ModelPack pack, OnnxComponent encoder, TextEncoding te, String text, int length) {
        Tokens t;
        try {
            t = pack.tokenizer().encode(text);
        } catch (RuntimeException e) {
            throw new PackException(encoder.name() + ": its tokenizer (settings.tokenizer " + te.tokenizer() + ") failed: "
                    + e.getMessage(), e);
        }
        if (t.ids().length != length) {
            throw new PackException(encoder.name() + ": the tokenizer gave " + t.ids().length + " ids, not " + length);
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        float[] out;
        try {
            in.put(Contract.INPUT_IDS, OnnxTensor.createTensor(OrtRuntime.env(), LongBuffer.wrap(t.ids()), new long[] {1, length}));
            if (encoder.takes(Contract.ATTENTION_MASK)) {
                in.put(Contract.ATTENTION_MASK, OnnxTensor.createTensor(OrtRuntime.env(), LongBuffer.wrap(t.mask()),
                        new long[] {1, length}));
            }
            out = encoder.runToArray(in, Contract.TEXT_CONTEXT);
        } catch (OrtException e) {
            throw new EmoException(encoder.name() + ": cannot create input tensor: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
        if (out.length % length != 0) {
            throw new PackException(encoder.name() + ": output 'text_context' holds " + out.length + " values, not L = "
                    + length + " rows");
        }
        int width = out.length / length;
        for (int i = 0; i < t.count() * width; i++) {
            if (!Float.isFinite(out[i])) {
                throw new PackException(encoder.name() + ": output 'text_context' holds NaN or infinite values; nothing was written");
            }
        }
        java.util.Arrays.fill(out, t.count() * width, out.length, 0f);
        return out;
    }
}
