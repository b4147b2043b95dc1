package io.github.emo4j.pack;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.Npy;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.OrtRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** A pack held in memory: a manifest and serialised ONNX models by file name. */
public final class MemoryPackSource implements PackSource {

    private final String name;
    private final String manifest;
    private final Map<String, byte[]> files;

    public MemoryPackSource(String name, String manifest, Map<String, byte[]> files) {
        this.name = name;
        this.manifest = manifest;
        this.files = Map.copyOf(files);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public String manifest() {
        return manifest;
    }

    @Override
    public String text(String file) {
        byte[] b = files.get(file);
        if (b == null) {
            throw new PackException(name + ": file '" + file + "' is missing");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] bytes(String file, int maxBytes) {
        byte[] b = files.get(file);
        if (b == null) {
            throw new PackException(name + ": file '" + file + "' is missing");
        }
        if (b.length > maxBytes) {
            throw new PackException(name + ": file '" + file + "': " + b.length + " bytes; at most " + maxBytes);
        }
        return b.clone();
    }

    @Override
    public long size(String file) {
        byte[] b = files.get(file), data = files.get(file + ".data");
        return b == null ? -1 : b.length + (data == null ? 0 : data.length);
    }

    @Override
    public Npy.Array array(String file) {
        byte[] b = files.get(file);
        if (b == null) {
            throw new PackException(name + ": file '" + file + "' is missing");
        }
        try {
            return Npy.read(b, name + ": " + file);
        } catch (InvalidInputException e) {
            throw new PackException(e.getMessage(), e);
        }
    }

    @Override
    public OrtSession openSession(String file, OrtSession.SessionOptions options) throws OrtException {
        byte[] b = files.get(file);
        if (b == null) {
            throw new PackException(name + ": component file '" + file + "' is missing");
        }
        return OrtRuntime.env().createSession(b, options);
    }

    @Override
    public String fingerprint(String file) {
        byte[] b = files.get(file);
        if (b == null) {
            throw new PackException(name + ": component file '" + file + "' is missing");
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(b);
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the pack as a folder that {@link FolderPackSource} reads back. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
