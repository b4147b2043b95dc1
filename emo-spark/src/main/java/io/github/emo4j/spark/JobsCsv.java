package io.github.emo4j.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The CSV of {@code emo batch}: a header naming {@code id}, {@code portrait}, {@code audio} and optionally
 * {@code seed}, {@code output}, {@code prompt} and {@code negative_prompt}, then one job per line. Fields may be quoted ("a, b" and "" for a quote).
 */
final class JobsCsv {
    static final List<String> REQUIRED = List.of("id", "portrait", "audio");
    static final List<String> KNOWN = List.of("id", "portrait", "audio", "seed", "output", "prompt", "negative_prompt");

    private JobsCsv() {
    }

    /** The header and the rows, each as many fields as the header; relative paths are left to the caller. */
    static List<List<String>> parse(String text, String name) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false, any = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(field.toString().trim());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    row.add(field.toString().trim());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                any = false;
                line++;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(name + ": line " + line + ": a quoted field is not closed");
        }
        if (any || field.length() > 0) {
            row.add(field.toString().trim());
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty; the first line must name the columns id,portrait,audio");
        }
        List<String> header = rows.get(0).stream().map(h -> h.replace("\uFEFF", "").trim().toLowerCase(java.util.Locale.ROOT)).toList();
        for (String r : REQUIRED) {
            if (!header.contains(r)) {
                throw new IllegalArgumentException(name + ": the header has no '" + r + "' column (it has: "
                        + String.join(",", header) + "); expected id,portrait,audio[,seed][,output][,prompt][,negative_prompt]");
            }
        }
        for (String h : header) {
            if (!KNOWN.contains(h)) {
                throw new IllegalArgumentException(name + ": unknown column '" + h + "' (known: " + String.join(",", KNOWN) + ")");
            }
        }
        rows.set(0, header);
        for (int r = 1; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw new IllegalArgumentException(name + ": row " + (r + 1) + " has " + rows.get(r).size()
                        + " fields, the header " + header.size());
            }
        }
        return rows;
    }
}
