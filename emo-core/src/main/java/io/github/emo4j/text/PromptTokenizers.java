package io.github.emo4j.text;

import java.util.ServiceLoader;

/** The tokenizer formats on the class path. */
public final class PromptTokenizers {
    private PromptTokenizers() {
    }

    /**
     * Opens the tokenizer stored as {@code file} with the first provider that reads it, to encode prompts
     * to {@code length} ids.
     *
     * @param where   the pack, for messages
     * @param file    the tokenizer's name in the pack
     * @param content its bytes
     * @param length  the text encoder's token count L
     * @return the tokenizer
     * @throws IllegalStateException when no provider reads it, saying which module does
     * @throws IllegalArgumentException from the provider, when the file is not such a tokenizer
     */
    public static PromptTokenizer open(String where, String file, byte[] content, int length) {
        for (PromptTokenizerProvider p : ServiceLoader.load(PromptTokenizerProvider.class, PromptTokenizers.class.getClassLoader())) {
            if (p.reads(file)) {
                return p.open(file, content, length);
            }
        }
        throw new IllegalStateException(where + ": settings.tokenizer " + file + ": no tokenizer reader for it is on the "
                + "class path; add io.github.emo4j:emo-text (it reads Hugging Face's tokenizer.json)");
    }
}
