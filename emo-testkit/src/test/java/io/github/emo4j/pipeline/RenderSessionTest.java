package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSource;
import io.github.emo4j.testkit.SyntheticPack;
import io.github.emo4j.video.FrameSink;
import io.github.emo4j.video.MemorySink;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A render as a session fed the voice in pieces: clips are made while the voice still arrives, and with
 * an audio encoder that hears each chunk alone (the plain waveform, no normalisation over the whole
 * voice), the frames are exactly those of the file render, which is the same session fed all at once.
 */
class RenderSessionTest {
    @TempDir
    Path dir;

    /** An EMO-layout pack whose encoder takes the plain 16 kHz waveform, 20 ms a chunk, each alone. */
    private static final PackSource CHUNK_LOCAL = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7)
            .source(Map.of("audio_input", "waveform-16k"));

    private static AudioClip voice(double seconds) {
        float[] s = new float[(int) Math.round(seconds * 16000)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05) * (1 + Math.sin(i * 0.0009)));
        }
        return new AudioClip(s, 16000);
    }

    private static RenderSpec spec(AudioClip voice) {
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x + y) & 0xFF));
            }
        }
        return RenderSpec.of(RenderRequest.builder(img, voice).face(new FaceBox(24, 24, 48, 48)).steps(2).build());
    }

    /** The voice in pieces of {@code samples}, the last one possibly shorter. */
    private static List<AudioClip> pieces(AudioClip voice, int samples) {
        var out = new java.util.ArrayList<AudioClip>();
        for (int from = 0; from < voice.length(); from += samples) {
            out.add(new AudioClip(Arrays.copyOfRange(voice.samples(), from, Math.min(voice.length(), from + samples)), 16000));
        }
        return out;
    }

    @Test
    void fedInPiecesItMakesClipsBeforeTheVoiceEndsAndTheFileRendersFrames() throws Exception {
        AudioClip voice = voice(1.3);
        try (ModelPack pack = ModelPack.load(CHUNK_LOCAL, List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            MemorySink whole = new MemorySink();
            Renderer.Outcome batch = r.render(spec(voice), (w, h, fps) -> whole, "memory", () -> false);
            assertEquals(33, batch.frames(), "1.3 s at 25 fps");
            assertEquals(33, whole.frames().size());

            MemorySink live = new MemorySink();
            AtomicInteger opened = new AtomicInteger();
            FrameSink.Factory factory = (w, h, fps) -> {
                assertEquals(96, w);
                assertEquals(96, h);
                assertEquals(25, fps);
                opened.incrementAndGet();
                return live;
            };
            long emittedBeforeEnd;
            try (RenderSession s = r.open(spec(voice), factory, "memory", () -> false, -1)) {
                for (AudioClip piece : pieces(voice, 1760)) {
                    s.feed(piece, false);
                }
                emittedBeforeEnd = s.framesEmitted();
                Renderer.Outcome o = s.finish();
                assertEquals(33, o.frames());
            }
            assertEquals(1, opened.get());
            assertTrue(emittedBeforeEnd >= 24, "clips made while the voice arrived: " + emittedBeforeEnd + " frames");
            assertEquals(whole.frames().size(), live.frames().size());
            for (int k = 0; k < whole.frames().size(); k++) {
                assertArrayEquals(whole.frames().get(k), live.frames().get(k), "frame " + k);
            }
        }
    }

    /** The same, padding the voice with silence to whole clips before encoding, as Hallo does. */
    private static final PackSource CHUNK_LOCAL_PADDED = new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7)
            .source(Map.of("audio_input", "waveform-16k", "audio_pad_to_clips", true));

    @org.junit.jupiter.params.ParameterizedTest(name = "padded to clips: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void piecesOfOddLengthsGiveTheSameFramesAsOnePiece(boolean padded) throws Exception {
        AudioClip voice = voice(0.9);
        try (ModelPack pack = ModelPack.load(padded ? CHUNK_LOCAL_PADDED : CHUNK_LOCAL, List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            MemorySink whole = new MemorySink();
            r.render(spec(voice), (w, h, fps) -> whole, "memory", () -> false);
            MemorySink odd = new MemorySink();
            try (RenderSession s = r.open(spec(voice), (w, h, fps) -> odd, "memory", () -> false, -1)) {
                // padded, the pieces are whole feature rows and the voice ends at finish(), with nothing
                // left to encode but the padding
                List<AudioClip> ps = pieces(voice, padded ? 2880 : 977);
                for (int i = 0; i < ps.size(); i++) {
                    s.feed(ps.get(i), !padded && i == ps.size() - 1);
                }
                s.finish();
            }
            assertEquals(whole.frames().size(), odd.frames().size());
            for (int k = 0; k < whole.frames().size(); k++) {
                assertArrayEquals(whole.frames().get(k), odd.frames().get(k), "frame " + k);
            }
        }
    }

    @Test
    void aPieceAtAnotherRateIsRefusedAndEndsTheSession() throws Exception {
        try (ModelPack pack = ModelPack.load(CHUNK_LOCAL, List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            try (RenderSession s = r.open(spec(voice(1)), (w, h, fps) -> new MemorySink(), "memory", () -> false, -1)) {
                s.feed(voice(0.2), false);
                var e = assertThrows(InvalidInputException.class, () -> s.feed(new AudioClip(new float[4410], 44100), false));
                assertTrue(e.getMessage().contains("44100 Hz") && e.getMessage().contains("16000 Hz"), e.getMessage());
                assertThrows(IllegalStateException.class, s::finish);
            }
        }
    }

    @Test
    void aSessionClosedBeforeItsEndLeavesNoFile() throws Exception {
        try (ModelPack pack = ModelPack.load(CHUNK_LOCAL, List.of(ExecutionProvider.CPU), 1)) {
            Renderer r = new Renderer(pack);
            Path out = dir.resolve("live.mp4");
            AudioClip voice = voice(1);
            try (RenderSession s = r.open(spec(voice), new Mp4Output(out, voice, io.github.emo4j.video.EncodingOptions.DEFAULT),
                    out.toString(), () -> false, -1)) {
                s.feed(voice, false);
                assertTrue(s.framesEmitted() > 0);
            }
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "nothing at the target, no partial file");
            }
        }
    }
}
