package io.github.emo4j.pack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for manifest JSON entries, for the packs generated in code. */
public final class ManifestEntries {
    private ManifestEntries() {
    }

    public static Map<String, Object> component(String file, List<Object> in, List<Object> out) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("file", file);
        c.put("inputs", in);
        c.put("outputs", out);
        return c;
    }

    /** A float32 tensor; dimensions are whole numbers or symbolic names. */
    public static Map<String, Object> tensor(String name, Object... dims) {
        return tensor(name, "float32", dims);
    }

    public static Map<String, Object> tensorOf(String name, String dtype, Object... dims) {
        return tensor(name, dtype, dims);
    }

    private static Map<String, Object> tensor(String name, String dtype, Object[] dims) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("dtype", dtype);
        List<Object> shape = new ArrayList<>();
        for (Object d : dims) {
            shape.add(d instanceof Integer i ? (Object) (double) i : d);
        }
        m.put("shape", shape);
        return m;
    }
}
