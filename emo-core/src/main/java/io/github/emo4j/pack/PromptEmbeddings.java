package io.github.emo4j.pack;

import io.github.emo4j.Npy;
import io.github.emo4j.PackException;
import java.util.Arrays;

/**
 * A prompt's embeddings stored in a pack, with the negative prompt's: the denoiser's {@code text_context}
 * without a text encoder. Wan's umT5-XXL is 11 GB, and a talking-head pack usually keeps one prompt, so
 * an exporter may run the encoder once and store its output ({@code settings.text_context}).
 *
 * @param tokens   L, the tokens of each
 * @param width    D, the width of each token
 * @param prompt   the prompt's [L, D] values
 * @param negative the negative prompt's, or zeros when the pack stores none
 */
public record PromptEmbeddings(int tokens, int width, float[] prompt, float[] negative) {

    /** Reads the arrays {@code settings} names from {@code src}, checked against the denoiser's input {@code in}. */
    static PromptEmbeddings load(PackSource src, PackSettings settings, TensorSpec in) {
        String where = src.describe();
        Npy.Array prompt = src.array(settings.textContext());
        long[] shape = prompt.shape();
        if (!(shape.length == 2 || (shape.length == 3 && shape[0] == 1)) || shape[shape.length - 2] < 1
                || shape[shape.length - 1] < 1) {
            throw new PackException(where + ": settings.text_context " + settings.textContext() + " has shape "
                    + Arrays.toString(shape) + "; prompt embeddings are [L, D] or [1, L, D]");
        }
        int tokens = (int) shape[shape.length - 2], width = (int) shape[shape.length - 1];
        float[] negative = new float[tokens * width];
        if (settings.negativeTextContext() != null) {
            Npy.Array neg = src.array(settings.negativeTextContext());
            if (neg.values().length != negative.length || neg.shape()[neg.shape().length - 1] != width) {
                throw new PackException(where + ": settings.negative_text_context " + settings.negativeTextContext()
                        + " has shape " + Arrays.toString(neg.shape()) + "; the prompt's is [" + tokens + ", "
                        + width + "]");
            }
            negative = neg.values();
        }
        for (float[] values : new float[][] {prompt.values(), negative}) {
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new PackException(where + ": prompt embeddings hold " + values[i] + " at value " + i);
                }
            }
        }
        if (in.rank() != 3 || (in.dim(1) > 0 && in.dim(1) != tokens) || (in.dim(2) > 0 && in.dim(2) != width)) {
            throw new PackException(where + ": denoising_unet input 'text_context' is " + in.shape() + "; the stored "
                    + "prompt embeddings are [" + tokens + ", " + width + "] a branch");
        }
        return new PromptEmbeddings(tokens, width, prompt.values(), negative);
    }
}
