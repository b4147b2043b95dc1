package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java blocks, compiled against the built jars as a user would paste them (inside a method
 * that has {@code img}, {@code portrait} and {@code wav}), and run: the README cannot rot.
 */
class ReadmeSnippetsTest {

    @TempDir
    Path dir;

    private static final String IMPORTS = """
            import io.github.emo4j.*;
            import io.github.emo4j.audio.*;
            import io.github.emo4j.face.*;
            import java.awt.image.BufferedImage;
            import java.nio.file.*;
            """;

    static List<String> javaBlocks() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void everyJavaBlockCompilesAndRuns() throws Exception {
        List<String> blocks = javaBlocks();
        assertTrue(blocks.size() >= 2, "the README's snippets: " + blocks.size());
        Path src = Files.createDirectories(dir.resolve("src/snippets"));
        List<String> args = new ArrayList<>(List.of("-cp", String.join(File.pathSeparator, ModulePathConsumerTest.libraries()),
                "-d", dir.resolve("classes").toString()));
        for (int i = 0; i < blocks.size(); i++) {
            Path f = src.resolve("Snippet" + i + ".java");
            Files.writeString(f, "package snippets;\n" + IMPORTS + "public class Snippet" + i + " {\n"
                    + "    public static void run(BufferedImage img, Path portrait, Path wav) throws Exception {\n"
                    + blocks.get(i) + "    }\n}\n");
            args.add(f.toString());
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, log, log, args.toArray(new String[0]));
        assertEquals(0, rc, "a README snippet does not compile:\n" + log.toString(StandardCharsets.UTF_8));

        Path portrait = Path.of(EmoCliTest.PORTRAIT).toAbsolutePath();
        BufferedImage img = ImageIO.read(portrait.toFile());
        Path wav = dir.resolve("short.wav");
        Files.write(wav, HostileInputTest.wav16(shortVoice(), 16000));
        Path cwd = Path.of("").toAbsolutePath();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()},
                getClass().getClassLoader())) {
            for (int i = 0; i < blocks.size(); i++) {
                Method run = loader.loadClass("snippets.Snippet" + i).getMethod("run", BufferedImage.class, Path.class, Path.class);
                run.invoke(null, img, portrait, wav);
                Path talk = cwd.resolve("talk.mp4");
                assertTrue(Files.size(talk) > 0, "snippet " + i + " wrote no video");
                Files.delete(talk);
            }
        }
    }

    private static short[] shortVoice() {
        short[] s = new short[12000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (6000 * Math.sin(i * 0.06) * Math.max(0, Math.sin(i / 16000.0 * 8)));
        }
        return s;
    }
}
