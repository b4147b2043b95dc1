package io.github.emo4j.spark;

import io.github.emo4j.InvalidInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Inputs and outputs on any Hadoop file system (HDFS, S3A, GCS, ABFS, the local disk): inputs copied to
 * the task's disk within a size bound, outputs published by a rename so no reader ever sees a partial file.
 */
final class HadoopFiles implements Serializable {
    /** Largest portrait file a task copies: the decoder's pixel bound comes after. */
    static final long MAX_PORTRAIT_BYTES = 256L << 20;
    /** Largest voice file a task copies: a 24-hour voice in 16-bit mono WAV at 16 kHz is 2.8 GB. */
    static final long MAX_AUDIO_BYTES = 4L << 30;

    private final Map<String, String> settings;

    /** The driver's Hadoop settings, carried to the tasks (Hadoop's Configuration is not serializable). */
    HadoopFiles(Configuration conf) {
        Map<String, String> m = new HashMap<>();
        conf.forEach(e -> m.put(e.getKey(), e.getValue()));
        this.settings = m;
    }

    private transient Configuration conf;

    Configuration conf() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            settings.forEach(c::set);
            conf = c;
        }
        return conf;
    }

    /**
     * The file system of {@code path}. On the local disk the raw one, which writes no {@code .crc}
     * sidecars beside the videos.
     */
    FileSystem fileSystem(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf());
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /**
     * A local file holding {@code uri}'s bytes, or {@code bytes} when given. An absolute local path is used
     * as it is; a URI (file:, hdfs:, s3a:, ...) is copied after its size is checked.
     *
     * @throws InvalidInputException if the file is missing, unreadable or larger than {@code maxBytes}
     */
    java.nio.file.Path local(String uri, byte[] bytes, String name, long maxBytes, java.nio.file.Path scratch)
            throws IOException {
        if (bytes != null) {
            if (bytes.length == 0) {
                throw new InvalidInputException(name + ": is empty");
            }
            java.nio.file.Path f = scratch.resolve(safeName(name));
            Files.write(f, bytes);
            return f;
        }
        Path p = new Path(uri);
        if (p.toUri().getScheme() == null && new java.io.File(uri).isAbsolute()) {
            return java.nio.file.Path.of(p.toUri().getPath());
        }
        FileSystem fs = fileSystem(p);
        FileStatus st;
        try {
            st = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            throw new InvalidInputException(uri + ": no such file");
        } catch (IOException e) {
            throw new InvalidInputException(uri + ": cannot be read: " + e.getMessage(), e);
        }
        if (st.isDirectory()) {
            throw new InvalidInputException(uri + ": is a folder, not a file");
        }
        if (st.getLen() > maxBytes) {
            throw new InvalidInputException(uri + ": " + st.getLen() + " bytes, more than the " + maxBytes + " a job may read");
        }
        java.nio.file.Path f = scratch.resolve(safeName(p.getName()));
        try (InputStream in = fs.open(p); OutputStream out = Files.newOutputStream(f)) {
            in.transferTo(out);
        }
        return f;
    }

    /**
     * Puts {@code local} at {@code target}: copied beside it under a hidden name unique to this task attempt,
     * then renamed over it. A retried or speculative attempt that publishes the same video leaves one file;
     * a failed copy leaves nothing at {@code target}.
     */
    void publish(java.nio.file.Path local, String target, String attempt) throws IOException {
        Path dst = new Path(target);
        FileSystem fs = fileSystem(dst);
        Path tmp = temporary(dst, attempt);
        fs.mkdirs(dst.getParent());
        boolean done = false;
        try {
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
            if (!fs.rename(tmp, dst)) {
                // HDFS and object stores refuse to rename over a file: an earlier attempt's copy of the same video
                fs.delete(dst, false);
                if (!fs.rename(tmp, dst)) {
                    throw new IOException("cannot rename " + tmp + " to " + dst);
                }
            }
            done = true;
        } finally {
            if (!done) {
                fs.delete(tmp, false);
            }
        }
    }

    /** The hidden name an attempt copies to before the rename: Hadoop's readers skip names starting with '.'. */
    static Path temporary(Path target, String attempt) {
        return new Path(target.getParent(), "." + target.getName() + "." + attempt + ".tmp");
    }

    /** Deletes {@code target} (a file or a folder), ignoring that it is already gone. */
    void delete(String target, boolean recursive) throws IOException {
        Path p = new Path(target);
        fileSystem(p).delete(p, recursive);
    }

    /**
     * Deletes what killed attempts left beside {@code target}: the hidden copies of attempts that died
     * between copy and rename.
     */
    void sweep(String target) throws IOException {
        Path dst = new Path(target);
        FileSystem fs = fileSystem(dst);
        if (!fs.exists(dst.getParent())) {
            return;
        }
        String prefix = "." + dst.getName() + ".";
        for (FileStatus st : fs.listStatus(dst.getParent(), p -> p.getName().startsWith(prefix) && p.getName().endsWith(".tmp"))) {
            fs.delete(st.getPath(), false);
        }
    }

    private static String safeName(String name) {
        String base = name.replaceAll(".*[/:]", "");
        base = base.replaceAll("[^A-Za-z0-9._-]", "_");
        return base.isEmpty() || base.startsWith(".") ? "input" + base : base;
    }
}
