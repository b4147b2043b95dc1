package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A file that cannot be read is named once, with the file system's reason. */
class AudioExceptionTest {
    @Test
    void theFileIsNamedOnceWithTheReason() {
        Path f = Path.of("voices", "take.flac");
        assertEquals(f + ": cannot read: file not found", AudioException.cannotRead(f, new NoSuchFileException(f.toString())).getMessage());
        assertEquals(f + ": cannot read: permission denied",
                AudioException.cannotRead(f, new AccessDeniedException(f.toString())).getMessage());
        assertEquals(f + ": cannot read: input/output error",
                AudioException.cannotRead(f, new FileSystemException(f.toString(), null, "Input/output error")).getMessage());
        assertEquals(f + ": cannot read: stream closed", AudioException.cannotRead(f, new IOException("stream closed")).getMessage());
    }
}
