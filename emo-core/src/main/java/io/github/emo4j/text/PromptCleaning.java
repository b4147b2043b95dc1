package io.github.emo4j.text;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a prompt is cleaned before it is tokenized, as the original pipeline cleans it. {@code "none"}
 * keeps it; {@code "whitespace"} is Wan's ({@code wan/modules/tokenizers.py}, {@code clean='whitespace'}):
 * HTML character references undone twice, then every run of whitespace made one space, and the ends
 * trimmed. Wan also runs ftfy's mojibake repair first; emo4j does not (a prompt typed as text has none).
 */
public final class PromptCleaning {
    private PromptCleaning() {
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern REFERENCE = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});");
    /** The named references prompts carry; Python's table has two thousand, mostly symbols. */
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'",
            "nbsp", "\u00a0");

    /**
     * Whether a pack may name {@code mode} in {@code settings.prompt_cleaning}.
     *
     * @param mode the cleaning's name
     * @return whether it is {@code "none"} or {@code "whitespace"}
     */
    public static boolean known(String mode) {
        return "none".equals(mode) || "whitespace".equals(mode);
    }

    /**
     * Cleans a prompt.
     *
     * @param mode {@code "none"} or {@code "whitespace"}
     * @param text the prompt as given
     * @return the prompt as the tokenizer is to see it
     * @throws IllegalArgumentException for another mode
     */
    public static String clean(String mode, String text) {
        return switch (mode) {
            case "none" -> text;
            case "whitespace" -> WHITESPACE.matcher(unescape(unescape(text)).strip()).replaceAll(" ").strip();
            default -> throw new IllegalArgumentException("prompt cleaning must be \"none\" or \"whitespace\", not \"" + mode + "\"");
        };
    }

    /** HTML's numeric references and the common named ones, each once (Python's html.unescape, for these). */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String ref = m.group(1), value;
            if (ref.charAt(0) == '#') {
                boolean hex = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X');
                int code = Integer.parseInt(ref.substring(hex ? 2 : 1), hex ? 16 : 10);
                // as Python: no character, a surrogate or NUL become U+FFFD
                value = code == 0 || code > Character.MAX_CODE_POINT || (code >= 0xD800 && code <= 0xDFFF) ? "\ufffd"
                        : new String(Character.toChars(code));
            } else {
                value = NAMED.get(ref);
                if (value == null) {
                    value = m.group();
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
