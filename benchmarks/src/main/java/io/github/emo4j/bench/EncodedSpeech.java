package io.github.emo4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample speech (12.2 s) as ffmpeg encodes it, in a temporary folder of its own: the input of the
 * decoding benchmarks. Closing it deletes the folder.
 */
public final class EncodedSpeech implements AutoCloseable {
    /** The encoded file. */
    public final Path file;
    private final Path dir;

    private EncodedSpeech(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /**
     * Encodes the sample speech ({@code emo.samples}, else {@code samples}) to {@code name} with ffmpeg.
     *
     * @param name   the file's name, whose extension picks the container
     * @param ffmpeg ffmpeg's options between the input and the output, e.g. {@code -c:a libmp3lame -b:a 64k}
     * @return the encoded speech
     */
    public static EncodedSpeech encode(String name, List<String> ffmpeg) throws IOException, InterruptedException {
        Path speech = Path.of(System.getProperty("emo.samples", "samples"), "speech-sample.wav").toAbsolutePath();
        Path dir = Files.createTempDirectory("emo-decode-bench");
        Path file = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", speech.toString()));
        cmd.addAll(ffmpeg);
        cmd.add(file.toString());
        if (new ProcessBuilder(cmd).inheritIO().start().waitFor() != 0) {
            Files.deleteIfExists(file);
            Files.delete(dir);
            throw new IllegalStateException("ffmpeg failed: " + cmd);
        }
        return new EncodedSpeech(dir, file);
    }

    @Override
    public void close() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path f : s.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
