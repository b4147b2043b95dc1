package io.github.emo4j.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * One row of the jobs Dataset, read by column name. Whatever is wrong with it is kept as
 * {@link #problem} so the row fails alone.
 */
record Job(String id, String portrait, byte[] portraitBytes, String audio, byte[] audioBytes, String output,
           Long seed, Map<String, String> options, String problem) implements Serializable {

    /** Ids become file names: no separators, no leading dot, not empty. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    static Job of(Row row, BatchOptions batch, long index) {
        String id = string(row, "id");
        if (id == null || !ID.matcher(id).matches()) {
            return failed(id == null ? "#" + (index + 1) : id, (id == null ? "no id" : "id '" + id + "' cannot name a file")
                    + ": an id is 1 to 128 letters, digits, '.', '_' or '-', not starting with '.' or '-'");
        }
        String portrait = string(row, "portrait"), audio = string(row, "audio");
        byte[] portraitBytes = bytes(row, "portrait_bytes"), audioBytes = bytes(row, "audio_bytes");
        if (portrait == null && portraitBytes == null) {
            return failed(id, "no portrait: give a 'portrait' path or 'portrait_bytes'");
        }
        if (audio == null && audioBytes == null) {
            return failed(id, "no voice: give an 'audio' path or 'audio_bytes'");
        }
        String output = string(row, "output");
        if (output == null) {
            if (batch.outDir() == null) {
                return failed(id, "no output: give an 'output' path or the batch an output folder");
            }
            output = batch.outDir().replaceAll("/+$", "") + "/" + id + ".mp4";
        }
        Long seed = null;
        int s = index(row, "seed");
        if (s >= 0 && !row.isNullAt(s)) {
            Object v = row.get(s);
            if (v instanceof Number n) {
                seed = n.longValue();
            } else {
                try {
                    seed = Long.parseLong(v.toString().trim());
                } catch (NumberFormatException e) {
                    return failed(id, "seed is not a whole number: '" + v + "'");
                }
            }
        }
        Map<String, String> options = new java.util.HashMap<>();
        int o = index(row, "options");
        if (o >= 0 && !row.isNullAt(o)) {
            options.putAll(row.getJavaMap(o));
        }
        // a prompt column, as a CSV gives it, wins over the options column's
        for (String text : java.util.List.of("prompt", "negative_prompt")) {
            int t = index(row, text);
            if (t >= 0 && !row.isNullAt(t) && !row.get(t).toString().isBlank()) {
                options.put(text, row.get(t).toString());
            }
        }
        return new Job(id, portrait, portraitBytes, audio, audioBytes, output, seed, Map.copyOf(options), null);
    }

    private static Job failed(String id, String problem) {
        return new Job(id, null, null, null, null, null, null, Map.of(), problem);
    }

    /** The portrait as the error messages name it. */
    String portraitName() {
        return portrait != null ? portrait : id + ":portrait_bytes";
    }

    /** The voice as the error messages name it. */
    String audioName() {
        return audio != null ? audio : id + ":audio_bytes";
    }

    private static int index(Row row, String name) {
        for (int i = 0; i < row.schema().fields().length; i++) {
            if (row.schema().fields()[i].name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String string(Row row, String name) {
        int i = index(row, name);
        if (i < 0 || row.isNullAt(i)) {
            return null;
        }
        String s = row.get(i).toString().trim();
        return s.isEmpty() ? null : s;
    }

    private static byte[] bytes(Row row, String name) {
        int i = index(row, name);
        return i < 0 || row.isNullAt(i) ? null : (byte[]) row.get(i);
    }
}
