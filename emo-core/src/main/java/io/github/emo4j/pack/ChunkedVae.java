package io.github.emo4j.pack;

import io.github.emo4j.PackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A causal 3-D VAE exported one latent frame at a time, as Wan's own VAE runs: a first-chunk graph
 * ({@code vae_encoder_first}, {@code vae_decoder_first}) for the video's first frame, and the role's graph
 * for every four frames after it, its causal convolutions' caches passed from call to call as tensors.
 * An input {@code X} of the later graph besides {@code pixels} or {@code latents} is such a cache; the
 * graph gives its next value as the output {@code X_next}, and the first-chunk graph gives its first.
 * Unrolling a whole clip into one graph does not scale (Wan's 73-frame encode is 19 chunks), and a decode
 * that keeps only the last frames needs no more memory than one chunk's.
 */
public final class ChunkedVae {
    /** The suffix of a cache's output: input {@code X} is followed by output {@code X_next}. */
    public static final String NEXT = "_next";

    private ChunkedVae() {
    }

    /** The first-chunk role of {@code role} (a VAE's), or {@code null}. */
    public static Role firstRole(Role role) {
        return switch (role) {
            case VAE_ENCODER -> Role.VAE_ENCODER_FIRST;
            case VAE_DECODER -> Role.VAE_DECODER_FIRST;
            default -> null;
        };
    }

    /** The cache inputs of {@code spec}: every input but the role's data input. */
    public static List<TensorSpec> caches(ComponentSpec spec) {
        String data = dataInput(spec.role());
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec t : spec.inputs()) {
            if (!t.name().equals(data)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Whether {@code name} is a cache input of {@code spec}, its next value among the outputs. */
    static boolean isCache(ComponentSpec spec, String name) {
        return (spec.role() == Role.VAE_ENCODER || spec.role() == Role.VAE_DECODER) && spec.output(name + NEXT) != null;
    }

    private static String dataInput(Role role) {
        return role == Role.VAE_ENCODER || role == Role.VAE_ENCODER_FIRST ? Contract.PIXELS : Contract.LATENTS;
    }

    /**
     * Checks the chunked VAE graphs of a manifest: only a causal 3-D VAE's family has them; each chunk is
     * one latent frame and one (first) or {@code t} frames; every cache has its next value, with the same
     * fixed shape in both graphs.
     *
     * @throws PackException naming the component, the tensor and what is wrong
     */
    static void check(Map<Role, ComponentSpec> components, PackFamily family, PackSettings s, String source) {
        for (Role role : List.of(Role.VAE_ENCODER, Role.VAE_DECODER)) {
            ComponentSpec first = components.get(firstRole(role)), next = components.get(role);
            if (first == null) {
                if (!caches(next).isEmpty()) {
                    throw new PackException(source + ": component " + role.key() + " takes '" + caches(next).get(0).name()
                            + "' besides '" + dataInput(role) + "': a VAE in chunks, whose caches pass from call to call, needs a "
                            + firstRole(role).key() + " to begin them");
                }
                continue;
            }
            String where = source + ": component " + first.role().key();
            int t = family.temporalCompression();
            if (t == 1) {
                throw new PackException(where + ": a VAE in chunks of a latent frame is for a causal 3-D VAE (the flow family), not the "
                        + family.key() + " family");
            }
            int r = s.resolution(), h = s.latentSize(), c = s.latentChannels();
            boolean encoder = role == Role.VAE_ENCODER;
            expect(first, encoder ? Contract.PIXELS : Contract.LATENTS, true, encoder ? shape(3, 1, r) : shape(c, 1, h), source);
            expect(first, encoder ? Contract.LATENTS : Contract.PIXELS, false, encoder ? shape(c, 1, h) : shape(3, 1, r), source);
            expect(next, encoder ? Contract.PIXELS : Contract.LATENTS, true, encoder ? shape(3, t, r) : shape(c, 1, h), source);
            expect(next, encoder ? Contract.LATENTS : Contract.PIXELS, false, encoder ? shape(c, 1, h) : shape(3, t, r), source);
            for (TensorSpec in : first.inputs()) {
                if (!in.name().equals(dataInput(role))) {
                    throw new PackException(where + ": input '" + in.name() + "': the first chunk takes only '" + dataInput(role)
                            + "'; it begins the caches");
                }
            }
            for (TensorSpec cache : caches(next)) {
                String w = source + ": component " + role.key() + " cache '" + cache.name() + "'";
                TensorSpec out = next.output(cache.name() + NEXT), begun = first.output(cache.name() + NEXT);
                if (out == null) {
                    throw new PackException(w + ": no output '" + cache.name() + NEXT + "' gives its next value");
                }
                if (begun == null) {
                    throw new PackException(w + ": " + first.role().key() + " gives no '" + cache.name() + NEXT + "' to begin it");
                }
                for (int i = 0; i < cache.rank(); i++) {
                    if (cache.dim(i) <= 0) {
                        throw new PackException(w + ": dimension " + i + " must be fixed, not " + cache.shape().get(i));
                    }
                }
                if (!cache.shape().equals(out.shape()) || !cache.shape().equals(begun.shape())) {
                    throw new PackException(w + ": shape " + cache.shape() + ", but '" + cache.name() + NEXT + "' is "
                            + (cache.shape().equals(out.shape()) ? begun.shape() + " in " + first.role().key() : out.shape()));
                }
            }
        }
    }

    private static long[] shape(int channels, int frames, int side) {
        return new long[] {1, channels, frames, side, side};
    }

    private static void expect(ComponentSpec spec, String name, boolean input, long[] want, String source) {
        TensorSpec t = input ? spec.input(name) : spec.output(name);
        String w = source + ": component " + spec.role().key() + " " + (input ? "input" : "output") + " '" + name + "'";
        if (t == null) {
            throw new PackException(w + ": not declared");
        }
        boolean ok = t.rank() == want.length;
        for (int i = 0; ok && i < want.length; i++) {
            ok = t.dim(i) == want[i];
        }
        if (!ok) {
            throw new PackException(w + ": a chunk of a causal VAE is " + java.util.Arrays.toString(want)
                    + " (fixed), not " + t.shape());
        }
    }
}
