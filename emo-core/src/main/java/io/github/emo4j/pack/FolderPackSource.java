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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A pack stored as a folder with {@code manifest.json}. Component paths must stay inside the folder:
 * absolute paths, {@code ..} segments and links that lead outside are refused.
 */
public final class FolderPackSource implements PackSource {

    private final Path dir;

    public FolderPackSource(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PackException(dir + ": pack folder does not exist");
        }
        try {
            this.dir = dir.toRealPath();
        } catch (IOException e) {
            throw new PackException(dir + ": cannot open pack folder: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public String manifest() {
        Path m = dir.resolve("manifest.json");
        try {
            if (!Files.isRegularFile(m)) {
                throw new PackException(m + ": pack has no manifest.json");
            }
            if (Files.size(m) > Json.MAX_CHARS) {
                throw new PackException(m + ": manifest is too large (" + Files.size(m) + " bytes)");
            }
            return Files.readString(m, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PackException(m + ": cannot read manifest: " + e.getMessage(), e);
        }
    }

    /** Resolves {@code file} inside the pack, refusing anything that would leave it. */
    public Path resolve(String file) {
        Path rel = Path.of(file);
        if (rel.isAbsolute() || file.contains("\\") || rel.normalize().startsWith("..") || !rel.normalize().equals(rel)) {
            throw new PackException(dir + ": component path '" + file + "' leaves the pack folder");
        }
        Path p = dir.resolve(rel);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
            throw new PackException(p + ": component file is missing");
        }
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(dir)) {
                throw new PackException(dir + ": component path '" + file + "' leads outside the pack folder");
            }
            if (!Files.isRegularFile(real)) {
                throw new PackException(p + ": component is not a regular file");
            }
            return real;
        } catch (IOException e) {
            throw new PackException(p + ": component file is missing or unreadable", e);
        }
    }

    @Override
    public String text(String file) {
        Path p = resolve(file);
        try {
            if (Files.size(p) > Json.MAX_CHARS) {
                throw new PackException(p + ": too large for a configuration file (" + Files.size(p) + " bytes)");
            }
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PackException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] bytes(String file, int maxBytes) {
        Path p = resolve(file);
        try {
            long size = Files.size(p);
            if (size > maxBytes) {
                throw new PackException(p + ": " + size + " bytes; at most " + maxBytes);
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new PackException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String file) {
        try {
            Path data = dir.resolve(file + ".data");
            return Files.size(resolve(file)) + (Files.isRegularFile(data) ? Files.size(data) : 0);
        } catch (IOException | PackException e) {
            return -1;
        }
    }

    @Override
    public Npy.Array array(String file) {
        Path p = resolve(file);
        try {
            return Npy.read(p);
        } catch (InvalidInputException e) {
            throw new PackException(e.getMessage(), e);
        }
    }

    @Override
    public String fingerprint(String file) {
        Path p = resolve(file);
        try {
            String id = p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new PackException(p + ": cannot read component: " + e.getMessage(), e);
        }
    }

    @Override
    public OrtSession openSession(String file, OrtSession.SessionOptions options) throws OrtException {
        return OrtRuntime.env().createSession(resolve(file).toString(), options);
    }
}
