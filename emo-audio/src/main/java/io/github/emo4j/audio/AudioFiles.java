package io.github.emo4j.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Entry point for reading voice files of any supported container into mono {@link AudioClip}s. */
public final class AudioFiles {
    private AudioFiles() {
    }

    /**
     * Reads {@code file} into a mono clip at its own sample rate.
     *
     * @throws AudioException if the file is missing, unreadable, of an unsupported kind or malformed
     */
    public static AudioClip read(Path file) throws AudioException {
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(12);
        } catch (NoSuchFileException e) {
            throw new AudioException(file, "file not found");
        } catch (IOException e) {
            throw new AudioException(file, "cannot read: " + e.getMessage(), e);
        }
        if (magic.length == 0) {
            throw new AudioException(file, "empty file");
        }
        boolean riff = magic.length >= 4 && (magic[0] == 'R' && magic[1] == 'I' && magic[2] == 'F' && magic[3] == 'F'
                || magic[0] == 'R' && magic[1] == 'F' && magic[2] == '6' && magic[3] == '4');
        if (riff) {
            return WavDecoder.decode(file);
        }
        throw new AudioException(file, "not a supported audio file (expected a RIFF/WAVE file)");
    }
}
