package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The prompt cache hands out copies and keeps the prompts used last within its bound. */
class PromptCacheTest {

    @Test
    void copiesInAndOut() {
        PromptCache c = new PromptCache();
        float[] rows = {1, 2, 3};
        c.put("a", rows);
        rows[0] = 9;
        float[] got = c.get("a");
        assertArrayEquals(new float[] {1, 2, 3}, got, "a later change to the rows put is not seen");
        got[1] = 9;
        assertArrayEquals(new float[] {1, 2, 3}, c.get("a"), "nor a change to the rows handed out");
        assertNull(c.get("b"));
    }

    @Test
    void theLeastRecentlyUsedLeaveAtTheBound() {
        // 100 floats and a one-character key: 402 bytes an entry, three fit in 1300
        PromptCache c = new PromptCache(1300);
        c.put("a", new float[100]);
        c.put("b", new float[100]);
        c.put("c", new float[100]);
        assertNotNull(c.get("a"), "a is now the most recently used");
        c.put("d", new float[100]);
        assertEquals(3, c.size());
        assertNull(c.get("b"), "b was used least recently");
        assertNotNull(c.get("a"));
        assertNotNull(c.get("c"));
        assertNotNull(c.get("d"));
        c.put("d", new float[100]);
        assertEquals(3, c.size(), "a prompt put again replaces itself");
        c.put("huge", new float[1000]);
        assertNull(c.get("huge"), "rows larger than the bound are not kept");
        assertEquals(3, c.size(), "and push nothing out");
    }
}
