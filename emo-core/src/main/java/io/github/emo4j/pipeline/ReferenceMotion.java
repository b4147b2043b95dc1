package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Motion frames that pass through the ReferenceNet, as Hallo's do: each clip, the last k frames of the
 * previous clip are decoded to pixels, encoded again and given to the ReferenceNet, and the denoiser's
 * reference banks hold, per guidance branch, the portrait's features followed by those k frames'
 * ({@code [portrait, m1 .. mk]} per branch, Hallo's {@code (b s)} layout). The portrait's part is
 * computed once per render; only the k frames' part is recomputed per clip, which needs the
 * ReferenceNet to treat its batch items independently (a 2-D UNet does) with a symbolic batch size.
 */
final class ReferenceMotion implements ClipReference {
    private final ProducedTensors producers;
    private final int k;
    private final int batch;
    private final MotionReencoder motion;
    private final ComponentCall reference;
    private final Map<String, FloatTensor> perClip = new HashMap<>();
    private final Map<String, Bank> banks = new HashMap<>();
    private final Tracer trace;

    private record Bank(FloatTensor tensor, TensorSpec spec) {
    }

    ReferenceMotion(ModelPack pack, ProducedTensors producers, List<AutoCloseable> views, OrtClock clock, Tracer trace,
                    FloatTensor portraitLatents, int batch) throws OrtException {
        PackSettings s = pack.settings();
        this.trace = trace;
        this.producers = producers;
        this.k = s.referenceMotionFrames();
        this.batch = batch;
        TensorSpec in = pack.component(Role.REFERENCE_NET).spec().input(Contract.REFERENCE_LATENTS);
        if (in.dim(0) > 0) {
            throw new PackException(pack.source() + ": reference_net input 'reference_latents' needs a symbolic batch "
                    + "dimension when settings.reference_motion_frames is " + k + ", not " + in.shape());
        }
        motion = new MotionReencoder(pack, views, clock, portraitLatents);
        reference = producers.pinOutputs(producers.bind(Role.REFERENCE_NET, Map.of(Contract.REFERENCE_LATENTS, motion.latents),
                false), Role.REFERENCE_NET, k, perClip);
    }

    @Override
    public boolean carries(String name) {
        return perClip.containsKey(name);
    }

    /** Per branch the portrait's features, then room for k frames'. */
    @Override
    public FloatTensor bankFor(TensorSpec in) {
        FloatTensor portrait = producers.get(in.name());
        long[] shape = portrait.shape().clone();
        long items = (long) batch * (1 + k);
        if (in.dim(0) > 0 && in.dim(0) != items) {
            throw new PackException("denoising_unet input '" + in.name() + "' has leading dimension " + in.dim(0)
                    + "; with " + k + " reference motion frames and " + batch + " guidance branches it must be " + items);
        }
        shape[0] = items;
        FloatTensor t = FloatTensor.zeros(shape);
        for (int b = 0; b < batch; b++) {
            if (in.presentIn(b, batch)) {
                t.copyFrom(portrait, b * (1 + k) * portrait.size());
            }
        }
        banks.put(in.name(), new Bank(t, in));
        return t;
    }

    /**
     * Refills the banks' motion part for {@code clip}: from the last k frames of {@code latents}
     * ([1, C, F, H, W], the previous clip's result), or for the first clip from zeros or the portrait.
     */
    @Override
    public void update(int clip, FloatTensor latents, boolean firstIsReference) {
        motion.update(clip, latents, firstIsReference);
        trace.clip(clip, "reference_motion_latents", motion.latents, "[k, C, h, w]: the motion frames the reference_net encodes");
        reference.refresh(Contract.REFERENCE_LATENTS);
        reference.run(clip);
        for (Bank bank : banks.values()) {
            FloatTensor frames = perClip.get(bank.spec().name());
            int per = frames.size() / k;
            for (int b = 0; b < batch; b++) {
                if (bank.spec().presentIn(b, batch)) {
                    bank.tensor().copyFrom(frames, (b * (1 + k) + 1) * per);
                }
            }
        }
    }
}
