package io.github.emo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Each clip's initial noise given instead of drawn from the seed ({@link RenderRequest.Builder#initialNoise}),
 * so that a render can start from exactly the noise another implementation drew: the standard-normal
 * values as diffusers' {@code randn_tensor} returns them, before the scheduler's
 * {@code init_noise_sigma} scales them.
 */
public interface InitialNoise {

    /**
     * Clip {@code clip}'s noise.
     *
     * @param clip  the clip, from 0
     * @param shape the latents' shape, {@code [1, C, F, h, w]}
     * @return as many standard-normal values as the shape holds, in C order
     * @throws InvalidInputException if there is none of that shape
     */
    float[] standardNormal(int clip, long[] shape);

    /**
     * Checks before the render starts that every clip's noise is there with this shape; by default
     * nothing, and a missing clip fails when it is reached.
     *
     * @param clips the render's clip count
     * @param shape the latents' shape
     * @throws InvalidInputException if a clip's noise is missing or mis-shaped
     */
    default void check(int clips, long[] shape) {
    }

    /**
     * Noise read from {@code .npy} files: {@code dir/clip-0000.npy}, {@code clip-0001.npy}, …, or a trace
     * folder's {@code dir/clip-0000/initial_noise.npy}, … (so a traced render can be repeated), each
     * {@code [1, C, F, h, w]}.
     *
     * @param dir the folder
     * @return the noise
     */
    static InitialNoise fromDirectory(Path dir) {
        return new InitialNoise() {
            @Override
            public float[] standardNormal(int clip, long[] shape) {
                Path file = file(clip);
                Npy.Array a = Npy.read(file);
                if (!Arrays.equals(a.shape(), shape)) {
                    throw new InvalidInputException(file + ": initial noise of shape " + Arrays.toString(a.shape())
                            + ", the pack's clip latents are " + Arrays.toString(shape));
                }
                return a.values();
            }

            @Override
            public void check(int clips, long[] shape) {
                if (!Files.isDirectory(dir)) {
                    throw new InvalidInputException(dir + ": no such folder of initial noise");
                }
                for (int c = 0; c < clips; c++) {
                    Path file = file(c);
                    if (!Files.isRegularFile(file)) {
                        throw new InvalidInputException(file + ": missing; the render has " + clips
                                + " clips and needs initial noise for each, [1, C, F, h, w] = " + Arrays.toString(shape));
                    }
                }
            }

            private Path file(int clip) {
                Path plain = dir.resolve(String.format("clip-%04d.npy", clip));
                Path traced = dir.resolve(String.format("clip-%04d", clip)).resolve("initial_noise.npy");
                return Files.isRegularFile(plain) || !Files.isRegularFile(traced) ? plain : traced;
            }
        };
    }
}
