package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.FrameSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The command line is written against the public API: every emo4j package its classes use is one that
 * emo-core, emo-audio or emo-video exports to everyone. The CLI runs from a shaded jar on the class path,
 * where nothing enforces this, so jdeps checks it here.
 */
class PublicApiOnlyTest {

    /** The packages {@code type}'s module exports to every module, read from its module descriptor. */
    private static Set<String> exportedBy(Class<?> type) throws Exception {
        Path where = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor d = ModuleFinder.of(where).findAll().iterator().next().descriptor();
        Set<String> out = new TreeSet<>();
        for (ModuleDescriptor.Exports e : d.exports()) {
            if (!e.isQualified()) {
                out.add(e.source());
            }
        }
        return out;
    }

    @Test
    void theCliUsesOnlyExportedPackages() throws Exception {
        Set<String> exported = new TreeSet<>();
        exported.addAll(exportedBy(EmoPipeline.class));
        exported.addAll(exportedBy(AudioClip.class));
        exported.addAll(exportedBy(FrameSink.class));
        // emo-server is a class-path library of one package whose internals are package-private
        exported.add("io.github.emo4j.server");
        assertTrue(exported.contains("io.github.emo4j") && exported.contains("io.github.emo4j.audio"), exported.toString());

        Path cli = Path.of(EmoCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                "--ignore-missing-deps", cli.toString());
        assertEquals(0, status, out.toString());
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("->\\s+(io\\.github\\.emo4j[\\w.]*)").matcher(out.toString());
        while (m.find()) {
            used.add(m.group(1));
        }
        used.remove("io.github.emo4j.examples");
        assertFalse(used.isEmpty(), "jdeps found no use of emo4j at all:\n" + out);
        Set<String> internal = new TreeSet<>(used);
        internal.removeAll(exported);
        assertEquals(Set.of(), internal, "the CLI uses packages that are not public API; exported: " + exported);
    }
}
