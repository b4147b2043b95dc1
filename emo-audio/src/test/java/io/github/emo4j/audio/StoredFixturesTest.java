package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoders against ffmpeg without ffmpeg: stored files and ffmpeg's decoding of them (16 kHz, 16 bit;
 * fixtures/PROVENANCE.md). Lossy formats: log-mel within 0.05 and the length within 1%; ALAC exactly.
 */
class StoredFixturesTest {
    @TempDir
    Path dir;

    private Path resource(String name) throws Exception {
        Path p = dir.resolve(name);
        try (var in = getClass().getResourceAsStream("fixtures/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"speech.opus", "speech-opus.webm", "speech.ogg", "speech-aac.m4a", "speech-alac.m4a"})
    void decodesAsFfmpegDid(String name) throws Exception {
        AudioClip ours = AudioFiles.read(resource(name));
        AudioClip theirs = AudioFiles.read(resource(name + ".ffmpeg-16k.wav"));
        if (name.endsWith("alac.m4a")) {
            // lossless, and at the source's 16 kHz: the very samples
            assertArrayEquals(theirs.samples(), ours.samples(), 0f);
            return;
        }
        double seconds = ours.durationSeconds(), expected = theirs.durationSeconds();
        assertTrue(Math.abs(seconds - expected) <= expected / 100, name + ": " + seconds + " s against " + expected + " s");
        double distance = LogMelDistance.between(ours, theirs);
        assertTrue(distance < 0.05, name + ": log-mel distance " + distance);
    }

    /** A length limit stops every decoder at the limit, with the reason a server maps to 413; below it, the same clip. */
    @ParameterizedTest
    @ValueSource(strings = {"speech.opus", "speech-opus.webm", "speech.ogg", "speech-aac.m4a", "speech-alac.m4a",
            "speech.ogg.ffmpeg-16k.wav"})
    void aLengthLimitRefusesALongerVoiceAndKeepsAShorterOne(String name) throws Exception {
        Path file = resource(name);
        AudioClip whole = AudioFiles.read(file);
        AudioException e = assertThrows(AudioException.class, () -> AudioFiles.read(file, whole.durationSeconds() / 2));
        assertTrue(e.getMessage().contains("over the limit: the voice is longer than") && e.getMessage().startsWith(file.toString()),
                e.getMessage());
        assertArrayEquals(whole.samples(), AudioFiles.read(file, whole.durationSeconds() + 0.1).samples(), 0f);
        // the limit holds for that read only
        assertEquals(whole.samples().length, AudioFiles.read(file).samples().length);
    }
}
