package io.github.emo4j;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link TraceListener} that writes each tensor as {@code DIR/<name>.npy} (float32) and, when closed,
 * {@code DIR/index.json}: one entry per file with its stage, clip, step, shape and layout. This is the
 * layout {@code ./emo render --trace DIR} writes and {@code ./emo compare} reads.
 */
public final class TraceDirectory implements TraceListener, Closeable {
    private final Path dir;
    private final List<TracedTensor> written = new ArrayList<>();

    /**
     * A trace into {@code dir}, created if missing.
     *
     * @param dir the folder
     * @throws IOException if it cannot be created
     */
    public TraceDirectory(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public synchronized void onTensor(TracedTensor t) {
        Path file = dir.resolve(t.name() + ".npy");
        try {
            Files.createDirectories(file.getParent());
            Npy.write(file, t.shape(), t.values());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write trace: " + e.getMessage(), e);
        }
        written.add(new TracedTensor(t.name(), t.stage(), t.clip(), t.step(), t.layout(), t.shape(), new float[0]));
    }

    /** Writes {@code index.json}. */
    @Override
    public synchronized void close() throws IOException {
        List<TracedTensor> sorted = new ArrayList<>(written);
        sorted.sort(Comparator.comparing(TracedTensor::name));
        StringBuilder json = new StringBuilder("{\"format\":\"emo4j-trace/1\",\"tensors\":[\n");
        for (int i = 0; i < sorted.size(); i++) {
            TracedTensor t = sorted.get(i);
            json.append("  {\"file\":").append(quote(t.name() + ".npy")).append(",\"stage\":").append(quote(t.stage()))
                    .append(",\"clip\":").append(t.clip()).append(",\"step\":").append(t.step()).append(",\"shape\":[");
            long[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) {
                json.append(d == 0 ? "" : ",").append(shape[d]);
            }
            json.append("],\"layout\":").append(quote(t.layout())).append(i + 1 < sorted.size() ? "},\n" : "}\n");
        }
        json.append("]}\n");
        Files.writeString(dir.resolve("index.json"), json, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
