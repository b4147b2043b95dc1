package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.util.Map;

/**
 * EMO's face locator: a light network that encodes the mask of where the face may move in the crop,
 * once per render; its features join the denoiser's input by name.
 */
final class FaceLocatorStage {
    private FaceLocatorStage() {
    }

    /** Runs the face locator on the crop's face-region mask, tiled over a clip's frames. */
    static void run(ModelPack pack, ProducedTensors produced, FaceCrop crop, int clipFrames, RenderContext ctx)
            throws OrtException {
        TensorSpec spec = pack.component(Role.FACE_LOCATOR).spec().input(Contract.FACE_MASK);
        FloatTensor mask = Masks.tiled(spec, crop, 1, clipFrames, pack.settings().latentSize(), pack.source());
        FloatTensor given = ctx.given.take(Contract.FACE_MASK, mask.shape());
        mask = given != null ? given : mask;
        ctx.trace.render(Contract.FACE_MASK, mask, "face_locator input " + spec.shape());
        produced.run(Role.FACE_LOCATOR, Map.of(Contract.FACE_MASK, mask), 1);
    }
}
