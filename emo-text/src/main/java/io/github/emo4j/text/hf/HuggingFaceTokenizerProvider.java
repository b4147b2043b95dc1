package io.github.emo4j.text.hf;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.github.emo4j.text.PromptTokenizer;
import io.github.emo4j.text.PromptTokenizerProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Reads a pack's {@code tokenizer.json}, as Hugging Face's tokenizers save it (Wan's umT5 ships one),
 * with that library itself, so that ids are the original's: its normaliser, pre-tokenizer, model and
 * post-processor as the file declares them.
 */
public final class HuggingFaceTokenizerProvider implements PromptTokenizerProvider {

    /** A provider, as {@link java.util.ServiceLoader} makes it. */
    public HuggingFaceTokenizerProvider() {
    }

    @Override
    public boolean reads(String file) {
        return file.endsWith(".json");
    }

    @Override
    public PromptTokenizer open(String file, byte[] content, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a token count of " + length);
        }
        // as Wan's HuggingfaceTokenizer calls it: padding to max_length, truncation, special tokens added
        Map<String, String> options = Map.of("padding", "max_length", "truncation", "true", "maxLength",
                Integer.toString(length), "addSpecialTokens", "true");
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(content), options);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a Hugging Face tokenizer.json: " + e.getMessage(), e);
        }
        return new HuggingFacePromptTokenizer(t, length);
    }
}
