package io.github.emo4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Preprocessing results given instead of derived ({@link RenderRequest.Builder#preprocessing}), so that a
 * model's own preprocessing (Hallo's InsightFace crop and MediaPipe masks, say) can be fed through
 * emo4j. Each tensor is named and shaped as a trace names and shapes it:
 * <ul>
 *   <li>{@code face_crop}: the portrait's crop, {@code [1, 3, R, R]} RGB in [0, 1], which the VAE encodes
 *       as the reference (the video is still pasted back where the face was detected or given);</li>
 *   <li>{@code face_image}: the image encoder's input;</li>
 *   <li>{@code face_mask}: the face locator's input;</li>
 *   <li>{@code <kind>_mask_<level>}: a denoiser mask input, as bound (for example Hallo's
 *       {@code lip_mask_1}).</li>
 * </ul>
 * A render refuses a tensor whose shape differs from what the pack takes, or one the pack has no use for.
 *
 * @param tensors the given tensors by name
 */
public record Preprocessing(Map<String, Npy.Array> tensors) {
    /** Nothing given: everything derived. */
    public static final Preprocessing NONE = new Preprocessing(Map.of());
    private static final Pattern NAME = Pattern.compile("face_crop|face_image|face_mask|(full|face|lip)_mask_\\d+");

    /**
     * Copies the map.
     *
     * @param tensors the given tensors by name
     */
    public Preprocessing {
        tensors = Map.copyOf(tensors);
    }

    /**
     * The preprocessing tensors among the {@code .npy} files of {@code dir}, and of {@code dir/render}
     * and {@code dir/render/denoiser} when {@code dir} is a trace folder: {@code face_crop.npy},
     * {@code face_image.npy}, {@code face_mask.npy} and {@code <kind>_mask_<level>.npy}. Other files are
     * ignored.
     *
     * @param dir the folder
     * @return the tensors found
     * @throws InvalidInputException if the folder cannot be listed, a file cannot be read, or none is there
     */
    public static Preprocessing fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + ": no such folder of preprocessing inputs");
        }
        Map<String, Npy.Array> found = new TreeMap<>();
        for (Path from : List.of(dir, dir.resolve("render"), dir.resolve("render").resolve("denoiser"))) {
            if (!Files.isDirectory(from)) {
                continue;
            }
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".npy") && NAME.matcher(name.substring(0, name.length() - 4)).matches()) {
                        found.put(name.substring(0, name.length() - 4), Npy.read(f));
                    }
                }
            } catch (IOException e) {
                throw new InvalidInputException(from + ": cannot list preprocessing inputs: " + e.getMessage(), e);
            }
        }
        if (found.isEmpty()) {
            throw new InvalidInputException(dir + ": holds none of face_crop.npy, face_image.npy, face_mask.npy"
                    + " or <kind>_mask_<level>.npy (nor does its render/ or render/denoiser/ folder)");
        }
        return new Preprocessing(found);
    }
}
