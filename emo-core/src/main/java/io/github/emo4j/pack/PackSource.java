package io.github.emo4j.pack;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.emo4j.Npy;
import io.github.emo4j.PackException;

/** Where a pack's manifest and networks come from: a folder, or the procedural pack built in memory. */
public interface PackSource {

    /** A name for messages: the folder path, or {@code builtin:procedural}. */
    String describe();

    /** The manifest text. */
    String manifest();

    /**
     * A small text file stored in the pack, such as a diffusers {@code scheduler_config.json}; the same
     * path rules as for components apply.
     */
    String text(String file);

    /**
     * A file stored in the pack, whole, such as a tokenizer; the same path rules as for components apply.
     *
     * @throws PackException naming the file when it is missing, unreadable or larger than {@code maxBytes}
     */
    byte[] bytes(String file, int maxBytes);

    /**
     * An array stored in the pack as a {@code .npy} file, such as prompt embeddings; the same path rules
     * as for components apply.
     *
     * @throws PackException naming the file when it is missing or not such an array
     */
    Npy.Array array(String file);

    /**
     * Bytes of the component stored as {@code file}, with the data file beside it ({@code file + ".data"})
     * where an exporter put its constants; -1 when unknown.
     */
    long size(String file);

    /** Opens an ONNX Runtime session over the component stored as {@code file}. */
    OrtSession openSession(String file, OrtSession.SessionOptions options) throws OrtException;

    /**
     * A string that changes whenever the component's content does, for naming cached optimised models
     * (a content hash for packs in memory; path, size and modification time for files).
     */
    String fingerprint(String file);
}
