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
final class ReferenceMotion {
    private final ProducedTensors producers;
    private final int k;
    private final int batch;
    private final int c;
    private final int plane;
    private final float latentScaling;
    private final FloatTensor portraitLatents;
    private final FloatTensor motionLatents;
    private final FloatTensor decodeIn;
    private final ComponentCall decode;
    private final ComponentCall encode;
    private final ComponentCall reference;
    private final Map<String, FloatTensor> perClip = new HashMap<>();
    private final Map<String, Bank> banks = new HashMap<>();

    private record Bank(FloatTensor tensor, TensorSpec spec) {
    }

    ReferenceMotion(ModelPack pack, ProducedTensors producers, List<AutoCloseable> views, OrtClock clock,
                    FloatTensor portraitLatents, int batch) throws OrtException {
        PackSettings s = pack.settings();
        this.producers = producers;
        this.k = s.referenceMotionFrames();
        this.batch = batch;
        this.c = s.latentChannels();
        int h = s.latentSize(), r = s.resolution();
        this.plane = h * h;
        this.latentScaling = (float) s.latentScaling();
        this.portraitLatents = portraitLatents;
        TensorSpec in = pack.component(Role.REFERENCE_NET).spec().input(Contract.REFERENCE_LATENTS);
        if (in.dim(0) > 0) {
            throw new PackException(pack.source() + ": reference_net input 'reference_latents' needs a symbolic batch "
                    + "dimension when settings.reference_motion_frames is " + k + ", not " + in.shape());
        }
        motionLatents = FloatTensor.zeros(k, c, h, h);
        decodeIn = FloatTensor.zeros(k, c, h, h);
        FloatTensor pixels = FloatTensor.zeros(k, 3, r, r);
        decode = new ComponentCall(pack.component(Role.VAE_DECODER), views, clock).input(Contract.LATENTS, decodeIn)
                .output(Contract.PIXELS, pixels);
        encode = new ComponentCall(pack.component(Role.VAE_ENCODER), views, clock).input(Contract.PIXELS, pixels)
                .output(Contract.LATENTS, motionLatents);
        reference = producers.pinOutputs(producers.bind(Role.REFERENCE_NET, Map.of(Contract.REFERENCE_LATENTS, motionLatents),
                false), Role.REFERENCE_NET, k, perClip);
    }

    /** Whether the denoiser input {@code name} is a reference bank. */
    boolean carries(String name) {
        return perClip.containsKey(name);
    }

    /** The denoiser's tensor for bank {@code in}: per branch the portrait's features, then room for k frames'. */
    FloatTensor bankFor(TensorSpec in) {
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
    void update(int clip, FloatTensor latents, boolean firstIsReference) {
        if (clip == 0) {
            if (firstIsReference) {
                for (int j = 0; j < k; j++) {
                    motionLatents.copyFrom(portraitLatents, j * portraitLatents.size());
                }
            } else {
                motionLatents.fill(0f);
            }
        } else {
            int f = (int) latents.shape()[2];
            var src = latents.buffer();
            var dst = decodeIn.buffer();
            for (int j = 0; j < k; j++) {
                for (int ch = 0; ch < c; ch++) {
                    dst.put((j * c + ch) * plane, src, (ch * f + f - k + j) * plane, plane);
                }
            }
            if (latentScaling != 1f) {
                decodeIn.scale(1f / latentScaling);
            }
            decode.run(clip);
            encode.run(clip);
            if (latentScaling != 1f) {
                motionLatents.scale(latentScaling);
            }
        }
        reference.refresh(Contract.REFERENCE_LATENTS);
        reference.run(clip);
        for (Bank bank : banks.values()) {
            FloatTensor motion = perClip.get(bank.spec().name());
            int per = motion.size() / k;
            for (int b = 0; b < batch; b++) {
                if (bank.spec().presentIn(b, batch)) {
                    bank.tensor().copyFrom(motion, (b * (1 + k) + 1) * per);
                }
            }
        }
    }
}
