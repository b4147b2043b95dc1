package io.github.emo4j.text;

/**
 * Opens tokenizers of one format, found through {@link java.util.ServiceLoader}: a module that reads a
 * format lists its provider in {@code META-INF/services/io.github.emo4j.text.PromptTokenizerProvider}.
 */
public interface PromptTokenizerProvider {

    /**
     * Whether this provider reads the tokenizer a pack stores as {@code file}.
     *
     * @param file its name in the pack, such as {@code tokenizer.json}
     * @return whether {@link #open} takes it
     */
    boolean reads(String file);

    /**
     * Opens the tokenizer stored as {@code file}, to encode prompts to {@code length} ids.
     *
     * @param file    its name in the pack, for messages
     * @param content its bytes
     * @param length  the text encoder's token count L
     * @return the tokenizer
     * @throws IllegalArgumentException saying what is wrong when {@code content} is not such a tokenizer
     */
    PromptTokenizer open(String file, byte[] content, int length);
}
