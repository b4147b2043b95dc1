package io.github.emo4j.pack;

/**
 * How a pack with a {@link Role#TEXT_ENCODER} turns a render's prompt into the denoiser's
 * {@code text_context}: the tokenizer file it stores, the cleaning the original applies first, and the
 * prompts a render that gives none uses.
 *
 * @param tokenizer      the tokenizer stored in the pack ({@code tokenizer.json}, as Hugging Face saves it)
 * @param cleaning       {@code "none"} or {@code "whitespace"} (Wan's; {@link io.github.emo4j.text.PromptCleaning})
 * @param prompt         the prompt of a render that gives none
 * @param negativePrompt the negative prompt of a render that gives none (Wan's configs name one)
 */
public record TextEncoding(String tokenizer, String cleaning, String prompt, String negativePrompt) {
}
