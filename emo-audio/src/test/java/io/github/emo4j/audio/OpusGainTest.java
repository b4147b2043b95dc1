package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpusHead output gain (RFC 7845 section 5.1: Q7.8 dB, applied to the decoded signal), on the stored
 * WebM speech with its gain set to +20 dB: ten times as loud, and kept within full scale.
 */
class OpusGainTest {
    @TempDir
    Path dir;

    @Test
    void theHeaderGainIsAppliedAndTheVoiceKeptWithinFullScale() throws Exception {
        byte[] webm;
        try (var in = getClass().getResourceAsStream("fixtures/speech-opus.webm")) {
            webm = in.readAllBytes();
        }
        int head = Mp4DemuxerTest.find(webm, "Opus") + 4; // find() answers 4 before the type it is given
        assertEquals("OpusHead", new String(webm, head, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, ByteBuffer.wrap(webm, head + 16, 2).order(ByteOrder.LITTLE_ENDIAN).getShort(), "the fixture has no gain");
        AudioClip plain = AudioFiles.read(Files.write(dir.resolve("plain.webm"), webm));
        byte[] loud = webm.clone();
        ByteBuffer.wrap(loud, head + 16, 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) (20 * 256));
        AudioClip louder = AudioFiles.read(Files.write(dir.resolve("loud.webm"), loud));
        assertEquals(plain.samples().length, louder.samples().length);
        int clamped = 0;
        for (int i = 0; i < plain.samples().length; i++) {
            float expected = Math.max(-1f, Math.min(1f, plain.samples()[i] * 10f));
            assertEquals(expected, louder.samples()[i], 1e-5f, "sample " + i);
            assertTrue(Math.abs(louder.samples()[i]) <= 1f);
            clamped += Math.abs(plain.samples()[i] * 10f) > 1f ? 1 : 0;
        }
        assertTrue(clamped > 0, "the gain took some samples past full scale");
    }
}
