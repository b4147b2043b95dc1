package io.github.emo4j.text.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.testkit.SyntheticFlowPack;
import io.github.emo4j.text.PromptTokenizer;
import io.github.emo4j.text.PromptTokenizers;
import io.github.emo4j.text.Tokens;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The testkit's tiny Unigram tokenizer.json (Hugging Face's format: NFKC and a space-run Replace, Metaspace,
 * a Unigram model, and a template appending {@code </s>}) read through the service loader, as a pack's is.
 */
class HuggingFaceTokenizerProviderTest {

    private static byte[] tiny() throws Exception {
        try (var in = SyntheticFlowPack.class.getResourceAsStream("tiny-unigram-tokenizer.json")) {
            return in.readAllBytes();
        }
    }

    /** Unigram's best path ("▁talking", −6, beats "▁talk" + "ing", −9.5), then {@code </s>}, then padding to L. */
    @Test
    void encodesAsHuggingFaceDoesWithPaddingToTheTextEncodersLength() throws Exception {
        try (PromptTokenizer t = PromptTokenizers.open("test", "tokenizer.json", tiny(), 8)) {
            Tokens a = t.encode("a person talking");
            assertArrayEquals(new long[] {4, 5, 8, 1, 0, 0, 0, 0}, a.ids());
            assertEquals(4, a.count());
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0}, a.mask());
            // NFKC folds the full-width letter; an unknown word is "▁" and one <unk> for its letters
            assertArrayEquals(new long[] {4, 3, 2, 1, 0, 0, 0, 0}, t.encode("ａ zebra").ids());
            Tokens empty = t.encode("");
            assertEquals(1, empty.count(), "an empty prompt is </s> alone");
            assertEquals(1, empty.ids()[0]);
        }
    }

    /** Cut as Hugging Face cuts: the prompt's tokens to L − 1, then {@code </s>}. */
    @Test
    void aLongPromptIsCutToTheLengthKeepingItsClosingToken() throws Exception {
        try (PromptTokenizer t = PromptTokenizers.open("test", "tokenizer.json", tiny(), 3)) {
            Tokens cut = t.encode("a person talking calm");
            assertArrayEquals(new long[] {4, 5, 1}, cut.ids());
            assertEquals(3, cut.count());
        }
    }

    @Test
    void aFileThatIsNoTokenizerIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptTokenizers.open("test",
                "tokenizer.json", "{\"model\": 3}".getBytes(StandardCharsets.UTF_8), 8));
        assertTrue(e.getMessage().startsWith("tokenizer.json is not a Hugging Face tokenizer.json"), e.getMessage());
    }

    /**
     * Text a client may send that is not plain words: NUL and other control characters, a lone surrogate (a
     * Java string need not be valid UTF-16, and the tokenizer is native code that takes UTF-8), a
     * byte-order mark and U+FFFD (what an HTTP field's undecodable bytes become). Each is encoded, padded
     * to the length and closed by {@code </s>}, and the process survives it.
     */
    @Test
    void hostileTextIsEncodedToTheLengthWithoutHarmingTheProcess() throws Exception {
        try (PromptTokenizer t = PromptTokenizers.open("test", "tokenizer.json", tiny(), 8)) {
            for (String text : new String[] {"a\u0000person", "\u0007\u001b[2J\r\n", "a \uD800 person", "\uDC00",
                    "\uFEFFa person", "a \uFFFD\uFFFD talking", "\u202Ea person"}) {
                Tokens tokens = t.encode(text);
                assertEquals(8, tokens.ids().length, text);
                assertTrue(tokens.count() >= 1 && tokens.count() <= 8, text);
                assertEquals(1, tokens.ids()[tokens.count() - 1], "closed by </s>: " + text);
            }
            assertArrayEquals(new long[] {4, 5, 8, 1, 0, 0, 0, 0}, t.encode("a person talking").ids(),
                    "the tokenizer still works after them");
        }
    }
}
