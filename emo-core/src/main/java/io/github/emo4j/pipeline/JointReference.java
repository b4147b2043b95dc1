package io.github.emo4j.pipeline;

import ai.onnxruntime.OrtException;
import io.github.emo4j.PackException;
import io.github.emo4j.onnx.FloatTensor;
import io.github.emo4j.pack.Contract;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.pack.Role;
import io.github.emo4j.pack.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ReferenceNet as Hallo runs it ({@code "reference_batch": "joint"}): once per clip on every guidance
 * branch's portrait and motion frames together, {@code [branch 0: portrait, m1 .. mk, branch 1: …]},
 * each image paired with the identity tokens of the branch {@code settings.reference_pairing} names,
 * and each branch's banks going to its own part of the denoiser's batch. It costs
 * {@code branches × (1 + k)} ReferenceNet images per clip where the per-render pass costs k per clip
 * and one per render, but it computes what Hallo computes: the two branches read different banks.
 */
final class JointReference implements ClipReference {
    private final int k;
    private final int branches;
    private final int items;
    private final FloatTensor portraitLatents;
    private final FloatTensor joint;
    private final MotionReencoder motion;
    private final ComponentCall reference;
    private final Map<String, FloatTensor> outputs = new HashMap<>();
    private final List<Bank> banks = new ArrayList<>();
    private final Tracer trace;

    private record Bank(FloatTensor tensor, TensorSpec spec) {
    }

    JointReference(ModelPack pack, ProducedTensors producers, RenderContext ctx, FloatTensor portraitLatents, int branches)
            throws OrtException {
        PackSettings s = pack.settings();
        this.k = s.referenceMotionFrames();
        this.branches = branches;
        this.items = branches * (1 + k);
        this.portraitLatents = portraitLatents;
        this.trace = ctx.trace;
        int[] pairing = pairing(s.referencePairing(), pack.source());
        TensorSpec latentsIn = pack.component(Role.REFERENCE_NET).spec().input(Contract.REFERENCE_LATENTS);
        if (latentsIn.dim(0) > 0 && latentsIn.dim(0) != items) {
            throw new PackException(pack.source() + ": reference_net input 'reference_latents' has leading dimension "
                    + latentsIn.dim(0) + "; the joint reference batch holds " + branches + " branches × (1 + " + k + ") = "
                    + items + " images");
        }
        motion = new MotionReencoder(pack, ctx.views, ctx.clock, portraitLatents);
        long h = s.latentSize();
        joint = FloatTensor.zeros(items, s.latentChannels(), h, h);
        Map<String, FloatTensor> given = new HashMap<>();
        given.put(Contract.REFERENCE_LATENTS, joint);
        for (TensorSpec in : pack.component(Role.REFERENCE_NET).spec().inputs()) {
            if (!in.name().equals(Contract.REFERENCE_LATENTS)) {
                given.put(in.name(), paired(producers, in, pairing, pack.source()));
            }
        }
        reference = producers.pinOutputs(producers.bind(Role.REFERENCE_NET, given, false), Role.REFERENCE_NET, items, outputs);
    }

    /** The manifest's pairing, or each image with its own branch; checked against this render's batch. */
    private int[] pairing(List<Integer> declared, String source) {
        int[] p = new int[items];
        if (declared.isEmpty()) {
            for (int i = 0; i < items; i++) {
                p[i] = i / (1 + k);
            }
            return p;
        }
        if (declared.size() != items) {
            throw new PackException(source + ": settings.reference_pairing has " + declared.size() + " entries; the joint "
                    + "reference batch holds " + branches + " branches × (1 + " + k + " motion frames) = " + items + " images");
        }
        for (int i = 0; i < items; i++) {
            p[i] = declared.get(i);
            if (p[i] >= branches) {
                throw new PackException(source + ": settings.reference_pairing entry " + p[i] + " names a guidance branch "
                        + "this render does not have (it has " + branches + ")");
            }
        }
        return p;
    }

    /**
     * A conditioning input of the ReferenceNet (identity tokens) with one row per image, each its paired
     * branch's. When the export fixes fewer rows and repeats them over the images itself, as Hallo's does
     * ({@code items // tokens} times), the pairing must repeat with that period and the first rows are given.
     */
    private static FloatTensor paired(ProducedTensors producers, TensorSpec in, int[] pairing, String source) {
        FloatTensor src = producers.get(in.name());
        if (src == null) {
            throw new PackException(source + ": reference_net input '" + in.name() + "' is produced by no component that runs before it");
        }
        FloatTensor perBranch = producers.forGuidance(src, in);
        if (perBranch == src) {
            return src;
        }
        int rows = in.dim(0) > 0 ? (int) in.dim(0) : pairing.length;
        if (pairing.length % rows != 0) {
            throw new PackException(source + ": reference_net input '" + in.name() + "' takes " + rows + " rows, which do not "
                    + "divide the joint batch of " + pairing.length + " images");
        }
        for (int i = rows; i < pairing.length; i++) {
            if (pairing[i] != pairing[i % rows]) {
                throw new PackException(source + ": reference_net input '" + in.name() + "' takes " + rows + " rows and repeats "
                        + "them over the images, but settings.reference_pairing does not repeat with period " + rows);
            }
        }
        long[] shape = src.shape().clone();
        shape[0] = (long) rows * src.shape()[0];
        FloatTensor t = FloatTensor.zeros(shape);
        for (int r = 0; r < rows; r++) {
            t.buffer().put(r * src.size(), perBranch.buffer(), pairing[r] * src.size(), src.size());
        }
        return t;
    }

    @Override
    public boolean carries(String name) {
        return outputs.containsKey(name);
    }

    @Override
    public FloatTensor bankFor(TensorSpec in) {
        if (in.dim(0) > 0 && in.dim(0) != items) {
            throw new PackException("denoising_unet input '" + in.name() + "' has leading dimension " + in.dim(0)
                    + "; the joint reference batch of " + branches + " branches × (1 + " + k + ") makes " + items);
        }
        FloatTensor t = FloatTensor.zeros(outputs.get(in.name()).shape());
        banks.add(new Bank(t, in));
        return t;
    }

    /** Runs the joint batch for {@code clip}; branches without the reference keep zeros. */
    @Override
    public void update(int clip, FloatTensor previous, boolean firstIsReference) {
        motion.update(clip, previous, firstIsReference);
        int per = portraitLatents.size();
        for (int b = 0; b < branches; b++) {
            joint.copyFrom(portraitLatents, b * (1 + k) * per);
            for (int j = 0; j < k; j++) {
                joint.buffer().put((b * (1 + k) + 1 + j) * per, motion.latents.buffer(), j * per, per);
            }
        }
        trace.clip(clip, "reference_latents", joint, "[branch × (portrait, m1 .. mk), C, h, w], " + trace.branches());
        reference.refresh(Contract.REFERENCE_LATENTS);
        reference.run(clip);
        for (Bank bank : banks) {
            FloatTensor out = outputs.get(bank.spec().name());
            int part = out.size() / branches;
            for (int b = 0; b < branches; b++) {
                if (bank.spec().presentIn(b, branches)) {
                    bank.tensor().buffer().put(b * part, out.buffer(), b * part, part);
                }
            }
        }
    }
}
