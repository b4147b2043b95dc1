package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer as a user writes one, compiled and run against the built jars: as a named module on the
 * module path, where only the API package is readable, and on the plain class path.
 */
class ModulePathConsumerTest {

    @TempDir
    Path dir;

    private static final String MAIN = """
            package consumer;

            import io.github.emo4j.EmoPipeline;
            import io.github.emo4j.Video;
            import io.github.emo4j.audio.AudioClip;
            import io.github.emo4j.face.FaceBox;
            import java.awt.image.BufferedImage;
            import java.nio.file.Path;

            public class Main {
                public static void main(String[] args) {
                    BufferedImage portrait = new BufferedImage(160, 150, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 150; y++) {
                        for (int x = 0; x < 160; x++) {
                            portrait.setRGB(x, y, (x + y) * 0x010101 & 0xFFFFFF);
                        }
                    }
                    float[] voice = new float[8000];
                    for (int i = 0; i < voice.length; i++) {
                        voice[i] = (float) (0.3 * Math.sin(i * 0.05));
                    }
                    Video video = EmoPipeline.builder().portrait(portrait).audio(new AudioClip(voice, 16000))
                            .options(o -> o.face(new FaceBox(50, 40, 60, 60)).steps(2)).render();
                    video.save(Path.of(args[0]));
                    System.out.println("frames " + video.frameCount() + " module " + EmoPipeline.class.getModule().getName());
                }
            }
            """;

    private static final String MODULE = "module consumer { requires io.github.emo4j.core; }";

    private static final String INTERNAL = """
            package consumer;

            public class Internal {
                Object pack = io.github.emo4j.pack.ModelPack.class;
            }
            """;

    /** emo4j's three library modules and the libraries they need, from this test's class path. */
    static List<String> libraries() {
        Pattern wanted = Pattern.compile(".*(emo-(audio|video|core)[/\\\\]target[/\\\\]classes|emo-(audio|video|core)-[^/\\\\]*\\.jar"
                + "|onnxruntime-[^/\\\\]*\\.jar|jcodec-[^/\\\\]*\\.jar|JTransforms-[^/\\\\]*\\.jar|JLargeArrays-[^/\\\\]*\\.jar"
                + "|commons-math3-[^/\\\\]*\\.jar|slf4j-api-[^/\\\\]*\\.jar|concentus-[^/\\\\]*\\.jar)$");
        List<String> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator))) {
            if (wanted.matcher(entry).matches() && !entry.contains("test-classes")) {
                found.add(entry);
            }
        }
        return found;
    }

    private String compile(Path out, List<String> options, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-d", out.toString()));
        for (Path s : sources) {
            args.add(s.toString());
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = javac.run(null, log, log, args.toArray(new String[0]));
        return rc == 0 ? "" : log.toString(StandardCharsets.UTF_8);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "consumer did not finish");
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve("src").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aNamedModuleRendersThroughTheApiAndCannotReachTheInternals() throws Exception {
        List<String> libs = libraries();
        assertEquals(10, libs.size(), "libraries found on the class path: " + libs);
        String modulePath = String.join(File.pathSeparator, libs);
        Path main = write("consumer/Main.java", MAIN);
        Path info = write("module-info.java", MODULE);
        Path classes = dir.resolve("classes");
        assertEquals("", compile(classes, List.of("--module-path", modulePath), info, main));

        Path video = dir.resolve("module.mp4");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = run(List.of(java, "--module-path", classes + File.pathSeparator + modulePath,
                "-m", "consumer/consumer.Main", video.toString()));
        assertTrue(out.contains("frames 13 module io.github.emo4j.core"), out);
        assertTrue(Files.size(video) > 0);

        Path internal = write("consumer/Internal.java", INTERNAL);
        String refused = compile(dir.resolve("refused"), List.of("--module-path", modulePath), info, internal);
        assertTrue(refused.contains("package io.github.emo4j.pack is not visible"), refused);
    }

    @Test
    void theSameConsumerRunsOnTheClassPath() throws Exception {
        String classPath = String.join(File.pathSeparator, libraries());
        Path main = write("consumer/Main.java", MAIN);
        Path classes = dir.resolve("cp-classes");
        assertEquals("", compile(classes, List.of("-cp", classPath), main));
        Path video = dir.resolve("classpath.mp4");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = run(List.of(java, "-cp", classes + File.pathSeparator + classPath, "consumer.Main", video.toString()));
        assertTrue(out.contains("frames 13 module null"), out);
        assertTrue(Files.size(video) > 0);
    }
}
