package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.testkit.SyntheticPack;
import io.github.emo4j.video.FrameSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No two emo4j packages depend on each other, directly or around a loop, in any module's main code: the
 * API package included, which reaches its engine as a service. Read from the class files by jdeps.
 */
class PackageCyclesTest {

    private static Path jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The package graph of emo4j's modules: package to the emo4j packages it uses. */
    static Map<String, Set<String>> graph() throws Exception {
        // emo4j's modules declare what they require: their libraries, from this test's class path. DJL's
        // commons-compress (emo-text's) declares a module that requires commons-lang3, which DJL leaves out
        // and never needs: on the module path it would stop the resolution, so it is read as unnamed
        List<String> modules = new ArrayList<>(), unnamed = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            (Path.of(entry).getFileName().toString().startsWith("commons-compress") ? unnamed : modules).add(entry);
        }
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none", "--ignore-missing-deps", "--multi-release", "17",
                "--module-path", String.join(java.io.File.pathSeparator, modules),
                "--class-path", String.join(java.io.File.pathSeparator, unnamed)));
        for (Class<?> c : List.of(AudioClip.class, FrameSink.class, EmoPipeline.class, SyntheticPack.class, EmoCli.class,
                io.github.emo4j.text.hf.HuggingFaceTokenizerProvider.class)) {
            args.add(jarOf(c).toString());
        }
        StringWriter out = new StringWriter();
        int status = ToolProvider.findFirst("jdeps").orElseThrow()
                .run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertEquals(0, status, out.toString());
        Map<String, Set<String>> g = new TreeMap<>();
        // lines like "   io.github.emo4j.pipeline   -> io.github.emo4j.pack   emo-core-....jar"
        Matcher m = Pattern.compile("(?m)^\\s+(io\\.github\\.emo4j[\\w.]*)\\s+->\\s+(io\\.github\\.emo4j[\\w.]*)\\s").matcher(out.toString());
        while (m.find()) {
            g.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (!m.group(1).equals(m.group(2))) {
                g.get(m.group(1)).add(m.group(2));
            }
        }
        return g;
    }

    /** The graph's strongly connected components of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> found = new ArrayList<>();
        for (String v : g.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, g, index, low, stack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }

    @Test
    void noPackageCycles() throws Exception {
        Map<String, Set<String>> g = graph();
        assertTrue(g.containsKey("io.github.emo4j") && g.containsKey("io.github.emo4j.pipeline"), g.keySet().toString());
        assertEquals(List.of(), cycles(g), "package cycles in " + g);
    }

    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> g = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(g));
    }
}
