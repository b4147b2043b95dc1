package io.github.emo4j.text;

/**
 * A pack's tokenizer: a prompt to the token ids its text encoder takes. emo-core reads no tokenizer
 * format itself; a {@link PromptTokenizerProvider} on the class path opens the file a pack names
 * ({@code io.github.emo4j:emo-text} reads Hugging Face's {@code tokenizer.json}, as Wan's umT5 ships it).
 * Safe to use from several threads at once.
 */
public interface PromptTokenizer extends AutoCloseable {

    /**
     * The ids of {@code text} with the tokenizer's special tokens (umT5's closing {@code </s>}), cut to
     * {@link #length()} and padded after with the pad id, as Hugging Face's tokenizers do with
     * {@code padding="max_length", truncation=True, max_length=length}.
     *
     * @param text the prompt, already cleaned as the pack says
     * @return the ids and how many of them are the prompt's
     */
    Tokens encode(String text);

    /**
     * The token count every encoding has.
     *
     * @return the text encoder's L
     */
    int length();

    @Override
    void close();
}
