package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opening uncompressed containers: a locator finds the sample data, {@link PcmLayout} reads it. */
final class PcmFiles {
    private PcmFiles() {
    }

    /** Where a container keeps its samples, and how they are laid out. */
    record Located(PcmLayout layout, long start, long size) {
    }

    @FunctionalInterface
    interface Locator {
        Located locate(FileChannel ch, Path file) throws IOException;
    }

    static AudioClip decode(Path file, Locator locator) throws AudioException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Located l = locator.locate(ch, file);
            return l.layout().read(ch, l.start(), l.size(), file);
        } catch (AudioException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new AudioException(file, "file not found");
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
    }

    static AudioStream open(Path file, Locator locator) throws AudioException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            Located l = locator.locate(ch, file);
            long frames = l.size() / l.layout().blockAlign();
            if (frames == 0) {
                throw new AudioException(file, "contains no samples");
            }
            FileChannel owned = ch;
            AudioStream inner = l.layout().stream(ch, l.start(), frames, file);
            return new AudioStream() {
                @Override
                public int sampleRate() {
                    return inner.sampleRate();
                }

                @Override
                public long lengthHint() {
                    return inner.lengthHint();
                }

                @Override
                public int read(float[] dst, int off, int len) throws IOException {
                    return inner.read(dst, off, len);
                }

                @Override
                public void close() throws IOException {
                    owned.close();
                }
            };
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            if (e instanceof AudioException ae) {
                throw ae;
            }
            if (e instanceof NoSuchFileException) {
                throw new AudioException(file, "file not found");
            }
            throw AudioException.cannotRead(file, e);
        }
    }
}
