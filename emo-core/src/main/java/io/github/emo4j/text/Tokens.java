package io.github.emo4j.text;

/**
 * A prompt's token ids as a text encoder takes them: {@code count} real tokens, then padding. The
 * attention mask is 1 over the first {@code count} and 0 after.
 *
 * @param ids   the ids, padding included
 * @param count how many of them are the prompt's
 */
public record Tokens(long[] ids, int count) {

    /**
     * Checks the count against the ids.
     *
     * @param ids   the ids, padding included
     * @param count how many of them are the prompt's
     */
    public Tokens {
        if (count < 0 || count > ids.length) {
            throw new IllegalArgumentException(count + " tokens of " + ids.length);
        }
    }

    /**
     * The attention mask.
     *
     * @return 1 for each of the prompt's tokens, 0 for padding
     */
    public long[] mask() {
        long[] m = new long[ids.length];
        java.util.Arrays.fill(m, 0, count, 1L);
        return m;
    }
}
