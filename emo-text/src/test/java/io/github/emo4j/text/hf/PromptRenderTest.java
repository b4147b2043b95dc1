package io.github.emo4j.text.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.TracedTensor;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.onnx.SessionSettings;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.PackLoadListener;
import io.github.emo4j.pack.Role;
import io.github.emo4j.testkit.SyntheticFlowPack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow pack with a text encoder renders a render's prompt: cleaned as the pack says, tokenized by its
 * tokenizer.json, encoded once at the start, the rows past the prompt's tokens zeroed, the negative prompt
 * in the unconditional branch.
 */
class PromptRenderTest {
    private static final int TOKENS = 6;
    private static final int WIDTH = SyntheticFlowPack.TEXT_WIDTH;

    @TempDir
    Path dir;

    private static RenderRequest.Builder request() {
        float[] s = new float[16000 * 3 / 10];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        return RenderRequest.builder(new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB), new AudioClip(s, 16000))
                .face(new FaceBox(16, 16, 64, 64)).steps(1).seed(3);
    }

    private Path pack(String name, SyntheticFlowPack p) throws Exception {
        Path folder = dir.resolve(name);
        p.source().writeTo(folder);
        return folder;
    }

    private static SyntheticFlowPack base() {
        return new SyntheticFlowPack(64, 4, 5, 16, 8, 5, TOKENS);
    }

    /** The denoiser's text context ([2, L, D]: the negative prompt's, then the prompt's) and the video's bytes. */
    private static Object[] render(EmoPipeline p, RenderRequest req, Path out) throws Exception {
        List<TracedTensor> seen = new CopyOnWriteArrayList<>();
        p.render(req.toBuilder().trace(seen::add).build(), out);
        float[] context = seen.stream().filter(t -> t.name().equals("render/denoiser/text_context")).findFirst()
                .orElseThrow().values();
        return new Object[] {context, Files.readAllBytes(out)};
    }

    @Test
    void aPromptIsEncodedItsPaddingZeroedAndTheNegativeFillsTheUnconditionalBranch() throws Exception {
        Path folder = pack("encoded", base().withTextEncoder(false));
        try (EmoPipeline p = EmoPipeline.builder().pack(folder).threads(1).build()) {
            Object[] own = render(p, request().build(), dir.resolve("own.mp4"));
            float[] context = (float[]) own[0];
            assertEquals(2 * TOKENS * WIDTH, context.length, "two guidance branches of [L, D]");
            // "blurry" is ▁blurry and </s>: two rows, then zeros; "a person talking" four rows
            assertRows(context, 0, 2);
            assertRows(context, 1, 4);

            // the pack's default prompt given in words, messily: Wan's cleaning makes it the same text
            Object[] same = render(p, request().prompt("  a \n person&#32;talking ").negativePrompt("blurry").build(),
                    dir.resolve("same.mp4"));
            assertArrayEquals(context, (float[]) same[0]);
            assertArrayEquals((byte[]) own[1], (byte[]) same[1], "the same video");

            Object[] other = render(p, request().prompt("a person sing").build(), dir.resolve("other.mp4"));
            assertRows((float[]) other[0], 1, 4);
            assertFalse(Arrays.equals(context, (float[]) other[0]));
            assertFalse(Arrays.equals((byte[]) own[1], (byte[]) other[1]), "another prompt, another video");
            assertArrayEquals(Arrays.copyOf(context, TOKENS * WIDTH), Arrays.copyOf((float[]) other[0], TOKENS * WIDTH),
                    "the negative prompt unchanged");
        }
    }

    /** With stored embeddings too, a render without a prompt takes them and runs no text encoder. */
    @Test
    void storedEmbeddingsServeRendersWithoutAPrompt() throws Exception {
        Path stored = pack("stored", base()), both = pack("both", base().withTextEncoder(true));
        try (EmoPipeline s = EmoPipeline.builder().pack(stored).threads(1).build();
             EmoPipeline b = EmoPipeline.builder().pack(both).threads(1).build()) {
            Object[] fromStored = render(s, request().build(), dir.resolve("s.mp4"));
            Object[] fromBoth = render(b, request().build(), dir.resolve("b.mp4"));
            assertArrayEquals((float[]) fromStored[0], (float[]) fromBoth[0]);
            assertArrayEquals((byte[]) fromStored[1], (byte[]) fromBoth[1]);
            Object[] prompted = render(b, request().prompt("a person talking").build(), dir.resolve("p.mp4"));
            assertNotEquals(Arrays.toString((float[]) fromBoth[0]), Arrays.toString((float[]) prompted[0]));
            assertRows((float[]) prompted[0], 1, 4);
        }
    }

    /** A prompt for a pack that cannot encode one is refused, naming the option, and no file is written. */
    @Test
    void aPromptForAPackWithoutATextEncoderIsRefusedByName() throws Exception {
        Path stored = pack("stored-only", base());
        try (EmoPipeline p = EmoPipeline.builder().pack(stored).threads(1).build()) {
            Path out = dir.resolve("refused.mp4");
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> p.render(request().prompt("a person talking").build(), out));
            assertEquals("prompt: this pack has no text_encoder; its prompt is stored as embeddings (settings.text_context)",
                    e.getMessage());
            assertFalse(Files.exists(out));
        }
        InvalidInputException tooLong = assertThrows(InvalidInputException.class,
                () -> request().negativePrompt("x".repeat(RenderRequest.Builder.MAX_PROMPT_CHARS + 1)));
        assertTrue(tooLong.getMessage().startsWith("negativePrompt: 10001 characters; at most 10000"), tooLong.getMessage());
    }

    /** With low memory the text encoder, needed only at the start, gives its session back after each render. */
    @Test
    void lowMemoryReleasesTheTextEncoderOnceUsed() throws Exception {
        Path folder = pack("low", base().withTextEncoder(false));
        SessionSettings low = new SessionSettings(1, SessionSettings.DEFAULT.optimization(), null, true);
        try (ModelPack pack = ModelPack.load(new io.github.emo4j.pack.FolderPackSource(folder), List.of(ExecutionProvider.CPU),
                low, PackLoadListener.NONE)) {
            assertFalse(pack.component(Role.TEXT_ENCODER).isOpen(), "released after loading");
            try (var r = new io.github.emo4j.pipeline.Renderer(pack)) {
                r.render(io.github.emo4j.pipeline.RenderSpec.of(request().prompt("a person sing").build()), dir.resolve("low.mp4"));
            }
            assertFalse(pack.component(Role.TEXT_ENCODER).isOpen(), "released after the render");
            assertTrue(pack.component(Role.DENOISING_UNET).isOpen());
        }
    }

    /**
     * A prompt (or negative prompt) the renderer encoded before is not encoded again, even written another
     * way that cleans to the same text; the video is the same; with low memory the encoder stays released.
     */
    @Test
    void aPromptEncodedBeforeIsTakenFromTheRenderersCache() throws Exception {
        Path folder = pack("cached", base().withTextEncoder(false));
        SessionSettings low = new SessionSettings(1, SessionSettings.DEFAULT.optimization(), null, true);
        try (ModelPack pack = ModelPack.load(new io.github.emo4j.pack.FolderPackSource(folder), List.of(ExecutionProvider.CPU),
                low, PackLoadListener.NONE);
             var r = new io.github.emo4j.pipeline.Renderer(pack)) {
            var encoder = pack.component(Role.TEXT_ENCODER);
            Path first = dir.resolve("first.mp4"), again = dir.resolve("again.mp4"), other = dir.resolve("other.mp4");
            r.render(io.github.emo4j.pipeline.RenderSpec.of(request().prompt("a person sing").build()), first);
            assertEquals(2, encoder.runCount(), "the prompt and the negative prompt");
            r.render(io.github.emo4j.pipeline.RenderSpec.of(request().prompt(" a  person\nsing ").build()), again);
            assertEquals(2, encoder.runCount(), "both taken from the cache");
            assertFalse(encoder.isOpen(), "not loaded again");
            assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(again), "the same video");
            r.render(io.github.emo4j.pipeline.RenderSpec.of(request().prompt("a person talking").build()), other);
            assertEquals(3, encoder.runCount(), "only the new prompt");
            assertFalse(Arrays.equals(Files.readAllBytes(first), Files.readAllBytes(other)));
        }
    }

    /** Branch {@code b}'s rows: the first {@code count} not all zero, the rest exactly zero. */
    private static void assertRows(float[] context, int b, int count) {
        for (int row = 0; row < TOKENS; row++) {
            float[] r = Arrays.copyOfRange(context, (b * TOKENS + row) * WIDTH, (b * TOKENS + row + 1) * WIDTH);
            boolean zero = true;
            for (float v : r) {
                zero &= v == 0f;
            }
            assertEquals(row >= count, zero, "branch " + b + ", row " + row);
        }
    }
}
