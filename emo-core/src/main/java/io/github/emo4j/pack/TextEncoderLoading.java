package io.github.emo4j.pack;

import io.github.emo4j.PackException;
import io.github.emo4j.text.PromptTokenizer;
import io.github.emo4j.text.PromptTokenizers;
import java.util.List;

/** A pack's text encoder at load: its tensors checked against the denoiser's, and its tokenizer opened. */
final class TextEncoderLoading {
    /** umT5's tokenizer.json is 16 MB. */
    static final int MAX_TOKENIZER_BYTES = 256 << 20;
    /** Tokens a prompt may be encoded to: Wan's L is 512. */
    static final int MAX_TOKENS = 1 << 16;

    private TextEncoderLoading() {
    }

    /**
     * A text encoder: its tokenizer named, the denoiser taking its output, the token count fixed by one of
     * them and the same in both, the width the same.
     */
    static void check(String where, PackManifest m, TensorSpec in) {
        ComponentSpec te = m.components().get(Role.TEXT_ENCODER);
        if (te == null) {
            throw new PackException(where + ": settings.tokenizer is given, but the pack has no text_encoder");
        }
        String comp = where + ": component text_encoder";
        if (m.settings().textEncoding() == null) {
            throw new PackException(comp + " needs settings.tokenizer, the tokenizer file that makes its input_ids");
        }
        if (in == null) {
            throw new PackException(comp + ": denoising_unet takes no 'text_context' for it to feed");
        }
        for (String name : List.of(Contract.INPUT_IDS, Contract.ATTENTION_MASK)) {
            TensorSpec t = te.input(name);
            if (t != null && (!t.dtype().equals("int64") || t.rank() != 2 || t.dim(0) > 1)) {
                throw new PackException(comp + ": input '" + name + "' must be int64 [1, L], not " + t.dtype() + " " + t.shape());
            }
        }
        TensorSpec out = te.output(Contract.TEXT_CONTEXT);
        if (!out.dtype().equals("float32") || out.rank() != 3) {
            throw new PackException(comp + ": output 'text_context' must be float32 [1, L, D], not " + out.dtype() + " " + out.shape());
        }
        long tokens = te.input(Contract.INPUT_IDS).dim(1), wanted = in.dim(1);
        if (te.input(Contract.ATTENTION_MASK) != null && te.input(Contract.ATTENTION_MASK).dim(1) > 0 && tokens > 0
                && te.input(Contract.ATTENTION_MASK).dim(1) != tokens) {
            throw new PackException(comp + ": input 'attention_mask' takes " + te.input(Contract.ATTENTION_MASK).dim(1)
                    + " tokens, 'input_ids' " + tokens);
        }
        if (tokens <= 0 && wanted <= 0) {
            throw new PackException(comp + ": neither its input 'input_ids' nor denoising_unet's 'text_context' fixes the "
                    + "token count L (Wan: 512); one must");
        }
        if (Math.max(tokens, wanted) > MAX_TOKENS) {
            throw new PackException(comp + ": " + Math.max(tokens, wanted) + " tokens; at most " + MAX_TOKENS);
        }
        if (tokens > 0 && wanted > 0 && tokens != wanted) {
            throw new PackException(comp + ": input 'input_ids' takes " + tokens + " tokens, denoising_unet's 'text_context' "
                    + wanted);
        }
        if (out.dim(2) > 0 && in.dim(2) > 0 && out.dim(2) != in.dim(2)) {
            throw new PackException(comp + ": output 'text_context' is " + out.dim(2) + " wide, denoising_unet's input "
                    + in.dim(2));
        }
    }

    /** The text encoder's token count L: its input's, or the denoiser's text context's (checked, one is fixed). */
    private static int textTokens(PackManifest m) {
        long tokens = m.components().get(Role.TEXT_ENCODER).input(Contract.INPUT_IDS).dim(1);
        return (int) (tokens > 0 ? tokens : m.components().get(Role.DENOISING_UNET).input(Contract.TEXT_CONTEXT).dim(1));
    }

    /** The tokenizer the pack's settings name, opened by a reader on the class path for the encoder's L. */
    static PromptTokenizer tokenizer(PackSource src, PackManifest m) {
        String file = m.settings().textEncoding().tokenizer();
        int length = textTokens(m);
        byte[] content = src.bytes(file, MAX_TOKENIZER_BYTES);
        try {
            return PromptTokenizers.open(src.describe(), file, content, length);
        } catch (IllegalStateException e) {
            throw new PackException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new PackException(src.describe() + ": settings.tokenizer " + file + " is not a tokenizer: " + e.getMessage(), e);
        }
    }
}
