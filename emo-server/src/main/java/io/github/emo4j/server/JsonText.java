package io.github.emo4j.server;

/** JSON string literals: the server's answers are small and written by hand. */
final class JsonText {
    private JsonText() {
    }

    /** {@code s} as a JSON string literal, or {@code null}. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** {@code {"error": message}}. */
    static String error(String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    /** {@code {"type": "error", "error": message}}: a live socket's refusal. */
    static String liveError(String message) {
        return "{\"type\":\"error\",\"error\":" + quote(message) + "}";
    }
}
