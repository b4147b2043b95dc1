package io.github.emo4j.pipeline;

import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.TensorSpec;

/** A ReferenceNet pass repeated every clip, whose outputs are some of the denoiser's reference banks. */
interface ClipReference {

    /** Whether the denoiser input {@code name} is one of this pass's banks. */
    boolean carries(String name);

    /** The denoiser's tensor for bank {@code in}, refilled by {@link #update}. */
    FloatTensor bankFor(TensorSpec in);

    /** Runs the pass for {@code clip}, its motion frames taken from {@code previous}, the previous clip's latents. */
    void update(int clip, FloatTensor previous, boolean firstIsReference);
}
