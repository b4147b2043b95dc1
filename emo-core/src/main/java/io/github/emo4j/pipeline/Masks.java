package io.github.emo4j.pipeline;

import io.github.emo4j.PackException;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.TensorSpec;

/** The face-region, face and lip masks, shaped as the input that asks for them. */
final class Masks {
    private Masks() {
    }

    /**
     * A mask input: the crop's full-face region, face or lip mask at the side its last dimension asks for
     * (a square side, or side² flattened), repeated over the leading dimensions; symbolic leading
     * dimensions take batch × frames, as Hallo's masks do.
     */
    static FloatTensor tiled(TensorSpec in, FaceCrop crop, int batch, int frames, int latentSize, String source) {
        String kind = Contract.isMaskLevel(in.name()) ? Contract.maskKind(in.name()) : "full";
        int rank = in.rank();
        long last = in.dim(rank - 1);
        int side;
        int leading;
        if (Contract.isMaskLevel(in.name())) {
            side = latentSize >> Contract.maskLevel(in.name());
            if (last > 0 && last != (long) side * side && !(rank >= 2 && last == side && in.dim(rank - 2) == side)) {
                throw new PackException(source + ": mask input '" + in.name() + "' has last dimension "
                        + last + ", expected " + side * side + " (level " + Contract.maskLevel(in.name()) + ")");
            }
            leading = last == side && rank >= 2 && in.dim(rank - 2) == side ? rank - 2 : rank - 1;
        } else {
            side = (int) last;
            if (side <= 0 || in.dim(rank - 2) != side) {
                throw new PackException(source + ": face_locator input '" + in.name()
                        + "' must end in two equal fixed dimensions, not " + in.shape());
            }
            leading = rank - 2;
        }
        float[] mask = switch (kind) {
            case "face" -> crop.faceMask(side);
            case "lip" -> crop.lipMask(side);
            default -> crop.regionMask(side);
        };
        long[] shape = new long[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long d = in.dim(i);
            if (i < leading) {
                d = d > 0 ? d : (long) batch * frames;
                count *= d;
            } else {
                d = d > 0 ? d : (long) side * side;
            }
            shape[i] = d;
        }
        FloatTensor t = FloatTensor.zeros(shape);
        for (long k = 0; k < count; k++) {
            t.put((int) (k * mask.length), mask, 0, mask.length);
        }
        return t;
    }
}
