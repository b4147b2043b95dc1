package io.github.emo4j.pipeline;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text encoder's rows for the prompts a renderer saw last, so that renders with the same prompt
 * encode it once: most users keep one prompt (and one negative prompt), umT5-XXL takes seconds a prompt
 * on a CPU, and with {@code --low-memory} a render that encodes loads the 11 GB encoder again. Keyed by
 * the cleaned text the tokenizer reads; one renderer serves one pack, so the rows depend on nothing
 * else. Bounded: the prompts used least recently leave when the rows pass {@value #MAX_BYTES} bytes
 * (eight of umT5-XXL's 512 × 4096). Thread-safe; what it hands out is a copy.
 */
final class PromptCache {
    /** Bytes of rows (and text) kept at most. */
    static final long MAX_BYTES = 64L << 20;

    private final long maxBytes;
    private final LinkedHashMap<String, float[]> rows = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    PromptCache() {
        this(MAX_BYTES);
    }

    PromptCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The rows of {@code text}, a copy, or {@code null} when they are not kept. */
    synchronized float[] get(String text) {
        float[] r = rows.get(text);
        return r == null ? null : r.clone();
    }

    /** Keeps a copy of {@code text}'s rows, letting the least recently used go past the bound; rows larger than it are not kept. */
    synchronized void put(String text, float[] textRows) {
        long size = sizeOf(text, textRows);
        if (size > maxBytes) {
            return;
        }
        float[] old = rows.put(text, textRows.clone());
        if (old != null) {
            bytes -= sizeOf(text, old);
        }
        bytes += size;
        for (Iterator<Map.Entry<String, float[]>> it = rows.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
            Map.Entry<String, float[]> eldest = it.next();
            bytes -= sizeOf(eldest.getKey(), eldest.getValue());
            it.remove();
        }
    }

    /** Prompts kept now. */
    synchronized int size() {
        return rows.size();
    }

    private static long sizeOf(String text, float[] r) {
        return 4L * r.length + 2L * text.length();
    }
}
