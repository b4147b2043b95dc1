package io.github.emo4j.text.hf;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.github.emo4j.text.PromptTokenizer;
import io.github.emo4j.text.Tokens;

/** One opened tokenizer.json, encoding to a fixed token count. */
final class HuggingFacePromptTokenizer implements PromptTokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final int length;

    HuggingFacePromptTokenizer(HuggingFaceTokenizer tokenizer, int length) {
        this.tokenizer = tokenizer;
        this.length = length;
    }

    @Override
    public Tokens encode(String text) {
        Encoding e = tokenizer.encode(text, true, false);
        long[] ids = e.getIds(), mask = e.getAttentionMask();
        if (ids.length != length) {
            throw new IllegalStateException("the tokenizer gave " + ids.length + " ids, not " + length);
        }
        int count = 0;
        while (count < mask.length && mask[count] != 0) {
            count++;
        }
        return new Tokens(ids, count);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
