package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.PackException;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.testkit.SyntheticFlowPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack with a text encoder is checked at load, each fault named: its tokenizer, the tokenizer reader on
 * the class path (this module has none: emo-text provides it), and its tensors against the denoiser's.
 */
class TextEncoderPackTest {
    @TempDir
    Path dir;

    private Path pack() throws Exception {
        Path folder = dir.resolve("te");
        new SyntheticFlowPack(64, 4, 5, 16, 8, 5, 6).withTextEncoder(false).source().writeTo(folder);
        return folder;
    }

    private static String loadError(Path folder) {
        return assertThrows(PackException.class,
                () -> ModelPack.load(new FolderPackSource(folder), List.of(ExecutionProvider.CPU), 1)).getMessage();
    }

    private static void edit(Path folder, String from, String to) throws Exception {
        Path m = folder.resolve("manifest.json");
        String s = Files.readString(m);
        if (!s.contains(from)) {
            throw new AssertionError("manifest lacks " + from);
        }
        Files.writeString(m, s.replace(from, to));
    }

    @Test
    void withoutATokenizerReaderOnTheClassPathTheLoadSaysWhichModuleReadsIt() throws Exception {
        Path folder = pack();
        assertEquals(new FolderPackSource(folder).describe() + ": settings.tokenizer tokenizer.json: no tokenizer reader for "
                + "it is on the class path; add io.github.emo4j:emo-text (it reads Hugging Face's tokenizer.json)", loadError(folder));
    }

    @Test
    void aTextEncoderWithoutItsTokenizerOrWithTheWrongTensorsIsRefusedByName() throws Exception {
        Path folder = pack();
        String where = new FolderPackSource(folder).describe();
        edit(folder, "\"tokenizer\": \"tokenizer.json\",", "");
        assertEquals(where + "/manifest.json: settings.prompt_cleaning needs a tokenizer (settings.tokenizer) and a text_encoder",
                loadError(folder));

        folder = dir.resolve("cleaning");
        new SyntheticFlowPack(64, 4, 5, 16, 8, 5, 6).withTextEncoder(false).source().writeTo(folder);
        edit(folder, "\"prompt_cleaning\": \"whitespace\"", "\"prompt_cleaning\": \"lower\"");
        assertEquals(new FolderPackSource(folder).describe() + "/manifest.json: settings.prompt_cleaning must be \"none\" or "
                + "\"whitespace\", not \"lower\"", loadError(folder));

        folder = dir.resolve("width");
        new SyntheticFlowPack(64, 4, 5, 16, 8, 5, 6).withTextEncoder(false).source().writeTo(folder);
        edit(folder, "\"name\": \"input_ids\",\n          \"dtype\": \"int64\",\n          \"shape\": [1, 6]",
                "\"name\": \"input_ids\",\n          \"dtype\": \"int64\",\n          \"shape\": [1, 7]");
        assertEquals(new FolderPackSource(folder).describe() + ": component text_encoder input 'input_ids': dimension 1 "
                + "expected 7, actual 6", loadError(folder));
    }
}
