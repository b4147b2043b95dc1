package io.github.emo4j.examples;

import io.github.emo4j.InvalidInputException;
import io.github.emo4j.audio.AudioException;
import io.github.emo4j.audio.FeatureExtractor;
import io.github.emo4j.audio.FeatureKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emo features}: audio features as a NumPy float32 array. */
@Command(name = "features", sortOptions = false,
        description = "Write audio features as a NumPy float32 array.")
final class FeaturesCommand extends EmoCommand {
    @Option(names = "--audio", required = true, paramLabel = "FILE", description = "the voice")
    Path audio;

    @Option(names = "--kind", required = true, paramLabel = "KIND",
            description = "whisper-logmel-80, whisper-logmel-128, wav2vec-input, waveform-16k or envelope")
    String kind;

    @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "the array to write")
    Path out;

    @Option(names = "--fps", paramLabel = "N", description = "video frames per second the features are cut for, above 0 and at most 240 (default 25)")
    double fps = 25;

    FeaturesCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws IOException {
        Path target = out.toAbsolutePath();
        FeatureKind k;
        try {
            k = FeatureKind.parse(kind);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--kind: " + e.getMessage());
        }
        if (!(fps > 0 && fps <= 240)) {
            throw new InvalidInputException("--fps must be between 0 and 240: " + fps);
        }
        Inputs.refuseOverwrite("out", target, "audio", audio.toString());
        if (Files.isDirectory(target)) {
            throw new InvalidInputException(target + ": is a folder; give the features a file name");
        }
        Path part;
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            part = PartFiles.beside(target);
        } catch (IOException e) {
            throw new InvalidInputException(target + ": cannot write there: " + e.getMessage(), e);
        }
        try {
            long[] shape = new FeatureExtractor(k, fps).writeNpy(audio, part);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            console.err().println("wrote " + target + ": " + k.cliName() + " " + Arrays.toString(shape) + " float32");
        } catch (AudioException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } finally {
            PartFiles.delete(part);
        }
        return 0;
    }
}
