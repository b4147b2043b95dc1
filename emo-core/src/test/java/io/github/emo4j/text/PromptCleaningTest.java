package io.github.emo4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Wan's whitespace cleaning: html.unescape twice, every whitespace run one space, the ends trimmed. */
class PromptCleaningTest {

    @Test
    void whitespaceCleaningIsWans() {
        assertEquals("a person talking", PromptCleaning.clean("whitespace", "  a \t\n person\u3000talking  "));
        // twice unescaped, as Wan's basic_clean does: &amp;lt; is '<'
        assertEquals("fish < chips & peas", PromptCleaning.clean("whitespace", "fish &amp;lt; chips &amp; peas"));
        assertEquals("café é 😀", PromptCleaning.clean("whitespace", "caf&#233; &#xE9; &#128512;"));
        // a no-break space is whitespace to Python's \s, so it becomes a plain space
        assertEquals("a b", PromptCleaning.clean("whitespace", "a&nbsp;b"));
        assertEquals("&unknown; stays", PromptCleaning.clean("whitespace", "&unknown; stays"));
        assertEquals("\ufffd", PromptCleaning.clean("whitespace", "&#0;"));
        assertEquals("", PromptCleaning.clean("whitespace", " \n "));
    }

    @Test
    void noneKeepsThePromptAndOtherModesAreRefused() {
        assertEquals("  a  b ", PromptCleaning.clean("none", "  a  b "));
        assertTrue(PromptCleaning.known("none") && PromptCleaning.known("whitespace"));
        assertFalse(PromptCleaning.known("lower"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptCleaning.clean("lower", "a"));
        assertEquals("prompt cleaning must be \"none\" or \"whitespace\", not \"lower\"", e.getMessage());
    }
}
