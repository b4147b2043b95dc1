package io.github.emo4j.procedural;

import static io.github.emo4j.pack.ManifestEntries.component;
import static io.github.emo4j.pack.ManifestEntries.tensor;
import static io.github.emo4j.procedural.ProceduralPack.AUDIO_FEATURES;
import static io.github.emo4j.procedural.ProceduralPack.CHANNELS;

import io.github.emo4j.onnx.GraphBuilder.Attr;
import io.github.emo4j.onnx.GraphBuilder;
import io.github.emo4j.onnx.TensorType;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.MemoryPackSource;
import io.github.emo4j.pack.PackManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in reference pack of the flow family: the same analytic face as {@link ProceduralPack}, laid
 * out as today's audio-driven video transformers are (Wan2.2-S2V), so that the flow samplers, the causal
 * 3-D VAE's paths and the motion latents carried from clip to clip run in CI with a known answer:
 *
 * <ul>
 *   <li>the VAE is causal with four frames a latent frame: latent j of a video is its frame 4j, scaled to
 *       [-1, 1]; the decoder makes frame 0 from latent 0 and frames 4j − 3 .. 4j by interpolating from
 *       latent j − 1 to latent j (so frame 4j is latent j again);</li>
 *   <li>the denoiser takes the portrait's latent, the motion latents (the last motion frames encoded
 *       again) and each video frame's audio window, and predicts the flow that takes its sample
 *       straight to the target at the step's σ (its {@code sigma} input; the timestep may be truncated to
 *       an integer, as Wan's samplers give it): (sample − target) / σ. Latent j of a clip is
 *       the target of the clip's frame 4j + 3, the last of the four it stands for.</li>
 * </ul>
 *
 * Its default sampler is diffusers' {@code FlowMatchEulerDiscreteScheduler} with shift 3; any flow
 * sampler lands on the target, since every prediction points at the same one.
 */
public final class ProceduralFlowPack {

    public static final String NAME = "procedural-flow-reference";
    private static final int DEFAULT_STEPS = 4;
    private static final int TEMPORAL = 4;

    private final int resolution;
    private final int clipFrames;
    private final int motionFrames;
    private final int audioWindow;
    private final Map<String, Object> scheduler;
    private final Variant variant;

    /**
     * Which of the layout's optional parts the pack has.
     *
     * @param firstClipDenoiser a first-clip denoiser without motion latents
     * @param chunkedVae        the VAE in chunks of one latent frame
     * @param s2vStart          -1: motion frames start as the portrait; else they start as zeros and leave out this
     *                          many first-clip frames
     * @param poseInput         the denoisers take {@code pose_latents} (and ignore them)
     */
    private record Variant(boolean firstClipDenoiser, boolean chunkedVae, int s2vStart, boolean poseInput) {
    }

    private ProceduralFlowPack(int resolution, int clipFrames, int motionFrames, int audioWindow,
                               Map<String, Object> scheduler, Variant variant) {
        this.resolution = resolution;
        this.clipFrames = clipFrames;
        this.motionFrames = motionFrames;
        this.audioWindow = audioWindow;
        this.scheduler = scheduler;
        this.variant = variant;
    }

    private ProceduralFlowPack with(Variant v) {
        return new ProceduralFlowPack(resolution, clipFrames, motionFrames, audioWindow, scheduler, v);
    }

    /**
     * A pack of this size.
     *
     * @param resolution   side of the face crop, 16 to 1024
     * @param clipFrames   frames a clip, a multiple of 4
     * @param motionFrames motion frames, 4k + 1
     * @param audioWindow  the audio window's frames on each side
     * @return the pack, sampled by flow Euler with shift 3
     */
    public static ProceduralFlowPack of(int resolution, int clipFrames, int motionFrames, int audioWindow) {
        if (resolution < 16 || resolution > 1024 || clipFrames < TEMPORAL || clipFrames % TEMPORAL != 0
                || motionFrames % TEMPORAL != 1 || audioWindow < 0) {
            throw new IllegalArgumentException("invalid procedural flow pack size: " + resolution + " px, clips of "
                    + clipFrames + ", " + motionFrames + " motion frames");
        }
        return new ProceduralFlowPack(resolution, clipFrames, motionFrames, audioWindow, eulerShift3(),
                new Variant(false, false, -1, false));
    }

    /** The embedded flow default: 256 px, clips of 12 frames (3 latent frames), 5 motion frames, audio window ±2. */
    public static ProceduralFlowPack standard() {
        return of(256, 12, 5, 2);
    }

    /** This pack sampled by the scheduler {@code config} names, in diffusers' keys. */
    public ProceduralFlowPack withScheduler(Map<String, Object> config) {
        return new ProceduralFlowPack(resolution, clipFrames, motionFrames, audioWindow, new LinkedHashMap<>(config), variant);
    }

    /**
     * This pack with a first-clip denoiser of its own that takes no motion latents, as Wan2.2-S2V drops
     * the first clip's motion frames: the first clip's target does not lean towards them.
     */
    public ProceduralFlowPack withFirstClipDenoiser() {
        return with(new Variant(true, variant.chunkedVae(), variant.s2vStart(), variant.poseInput()));
    }

    /**
     * This pack with Wan2.2-S2V's start of the motion frames: zeros of the VAE's range ({@code first_motion:
     * "zeros"}, mid-grey pixels) instead of the portrait, and the first clip's first {@code settling} frames
     * left out of them ({@code first_clip_settling_frames}).
     */
    public ProceduralFlowPack withS2vMotionStart(int settling) {
        return with(new Variant(variant.firstClipDenoiser(), variant.chunkedVae(), settling, variant.poseInput()));
    }

    /**
     * This pack with its VAE in chunks of one latent frame, as an export of Wan's VAE runs
     * ({@code vae_encoder_first} and {@code vae_decoder_first} besides): the decoder's cache is the
     * previous latent frame, {@code previous} in and {@code previous_next} out. It renders exactly what the
     * whole-clip VAE renders.
     */
    public ProceduralFlowPack withChunkedVae() {
        return with(new Variant(variant.firstClipDenoiser(), true, variant.s2vStart(), variant.poseInput()));
    }

    /**
     * This pack with denoisers that take a pose video's latents, {@code pose_latents} ({@code [1, C, n, R, R]},
     * Wan2.2-S2V's), and ignore them: the pose path's reading and encoding run, the oracle stays the same.
     */
    public ProceduralFlowPack withPoseInput() {
        return with(new Variant(variant.firstClipDenoiser(), variant.chunkedVae(), variant.s2vStart(), true));
    }

    private static Map<String, Object> eulerShift3() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_class_name", "FlowMatchEulerDiscreteScheduler");
        s.put("num_train_timesteps", 1000.0);
        s.put("shift", 3.0);
        return s;
    }

    /** The pack as an in-memory source: manifest plus generated graphs. */
    public MemoryPackSource source() {
        return source(Long.MAX_VALUE);
    }

    /**
     * The pack with the denoisers' constants of at least {@code minBytes} stored beside their graphs
     * ({@code denoiser.onnx.data}), as an export of a multi-gigabyte model stores them. ONNX Runtime
     * finds such data beside the graph's file, so this source loads once written to a folder
     * ({@link MemoryPackSource#writeTo}).
     *
     * @param minBytes the smallest constant stored outside
     * @return the manifest, the graphs and their data files
     */
    public MemoryPackSource sourceWithExternalData(long minBytes) {
        return source(minBytes);
    }

    private MemoryPackSource source(long minBytes) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (variant.chunkedVae()) {
            files.put("vae_encoder_first.onnx", vaeEncoderChunk(true));
            files.put("vae_encoder.onnx", vaeEncoderChunk(false));
            files.put("vae_decoder_first.onnx", vaeDecoderChunk(true));
            files.put("vae_decoder.onnx", vaeDecoderChunk(false));
        } else {
            files.put("vae_encoder.onnx", vaeEncoder());
            files.put("vae_decoder.onnx", vaeDecoder());
        }
        files.put("audio_encoder.onnx", ProceduralPack.audioEncoder());
        put(files, "denoiser.onnx", denoiser(true), minBytes);
        if (variant.firstClipDenoiser()) {
            put(files, "first_clip_denoiser.onnx", denoiser(false), minBytes);
        }
        return new MemoryPackSource("builtin:" + NAME, manifest(), files);
    }

    private static void put(Map<String, byte[]> files, String file, GraphBuilder graph, long minBytes) {
        if (minBytes == Long.MAX_VALUE) {
            files.put(file, graph.build());
        } else {
            GraphBuilder.WithExternalData split = graph.buildWithExternalData(file + ".data", minBytes);
            files.put(file, split.model());
            files.put(file + ".data", split.data());
        }
    }

    String manifest() {
        int r = resolution;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("resolution", (double) r);
        settings.put("latent_channels", (double) CHANNELS);
        settings.put("latent_downsample", 1.0);
        settings.put("clip_frames", (double) clipFrames);
        settings.put("motion_frames", (double) motionFrames);
        settings.put("first_motion", variant.s2vStart() < 0 ? "reference" : "zeros");
        if (variant.s2vStart() >= 0) {
            settings.put("first_clip_settling_frames", (double) variant.s2vStart());
        }
        settings.put("audio_window", (double) audioWindow);
        settings.put("audio_sample_rate", 16000.0);
        settings.put("audio_chunk_samples", (double) ProceduralFace.CHUNK);
        settings.put("audio_feature_dim", (double) AUDIO_FEATURES);
        settings.put("audio_input", "wav2vec-input-causal");
        settings.put("fps", 25.0);
        settings.put("default_steps", (double) DEFAULT_STEPS);
        settings.put("default_guidance", 1.0);
        Map<String, Object> comps = new LinkedHashMap<>();
        if (variant.chunkedVae()) {
            Object frame = tensor("pixels", 1, CHANNELS, 1, r, r), four = tensor("pixels", 1, CHANNELS, TEMPORAL, r, r);
            Object latent = tensor("latents", 1, CHANNELS, 1, r, r), previous = tensor("previous", 1, CHANNELS, 1, r, r);
            Object next = tensor("previous_next", 1, CHANNELS, 1, r, r);
            comps.put("vae_encoder_first", component("vae_encoder_first.onnx", List.of(frame), List.of(latent)));
            comps.put("vae_encoder", component("vae_encoder.onnx", List.of(four), List.of(latent)));
            comps.put("vae_decoder_first", component("vae_decoder_first.onnx", List.of(latent), List.of(frame, next)));
            comps.put("vae_decoder", component("vae_decoder.onnx", List.of(latent, previous), List.of(four, next)));
        } else {
            comps.put("vae_encoder", component("vae_encoder.onnx",
                    List.of(tensor("pixels", 1, CHANNELS, "frames", r, r)),
                    List.of(tensor("latents", 1, CHANNELS, "latent_frames", r, r))));
            comps.put("vae_decoder", component("vae_decoder.onnx",
                    List.of(tensor("latents", 1, CHANNELS, "latent_frames", r, r)),
                    List.of(tensor("pixels", 1, CHANNELS, "frames", r, r))));
        }
        comps.put("audio_encoder", component("audio_encoder.onnx",
                List.of(tensor("audio", "chunks", ProceduralFace.CHUNK)),
                List.of(tensor("audio_features", "chunks", AUDIO_FEATURES))));
        comps.put("denoising_unet", component("denoiser.onnx", denoiserInputs(true),
                List.of(tensor("noise_pred", "batch", CHANNELS, "latent_frames", r, r))));
        if (variant.firstClipDenoiser()) {
            comps.put("first_clip_denoiser", component("first_clip_denoiser.onnx", denoiserInputs(false),
                    List.of(tensor("noise_pred", "batch", CHANNELS, "latent_frames", r, r))));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", PackManifest.FORMAT);
        m.put("name", NAME);
        m.put("family", "flow");
        m.put("description", "Procedural reference pack in the flow layout: a causal 3-D VAE of four frames a latent, "
                + "motion latents re-encoded every clip, a flow-predicting denoiser with an analytic target. "
                + "Not a learned model.");
        m.put("settings", settings);
        m.put("scheduler", scheduler);
        m.put("components", comps);
        return Json.write(m);
    }

    private List<Object> denoiserInputs(boolean withMotion) {
        int r = resolution, w = 2 * audioWindow + 1, motionLatents = 1 + (motionFrames - 1) / TEMPORAL;
        List<Object> in = new ArrayList<>();
        in.add(tensor("sample", "batch", CHANNELS, "latent_frames", r, r));
        in.add(tensor("timestep", 1));
        in.add(tensor("sigma", 1));
        in.add(tensor("reference_latents", 1, CHANNELS, 1, r, r));
        if (withMotion) {
            in.add(tensor("motion_latents", 1, CHANNELS, motionLatents, r, r));
        }
        in.add(tensor("audio_windows", "batch", "frames", w, AUDIO_FEATURES));
        in.add(tensor("frame_time", "frames"));
        in.add(tensor("motion_scale", 3));
        if (variant.poseInput()) {
            in.add(tensor("pose_latents", 1, CHANNELS, clipFrames / TEMPORAL, r, r));
        }
        return in;
    }

    // ---- graphs ----

    /** Frame 4j of the video, scaled to [-1, 1], is latent j. */
    byte[] vaeEncoder() {
        int r = resolution;
        GraphBuilder g = new GraphBuilder("vae_encoder");
        String x = g.input("pixels", TensorType.FLOAT, 1, CHANNELS, "frames", r, r);
        String every4th = g.op("Slice", x, g.longs(0), g.longs(Long.MAX_VALUE), g.longs(2), g.longs(TEMPORAL));
        g.opNamed("latents", "Sub", List.of(), g.op("Mul", every4th, g.scalar(2f)), g.scalar(1f));
        g.output("latents", TensorType.FLOAT, 1, CHANNELS, "latent_frames", r, r);
        return g.build();
    }

    /** Frame 0 from latent 0; frames 4j − 3 + i from latent j − 1 to latent j by (i + 1)/4; then to [0, 1]. */
    byte[] vaeDecoder() {
        int r = resolution;
        GraphBuilder g = new GraphBuilder("vae_decoder");
        String z = g.input("latents", TensorType.FLOAT, 1, CHANNELS, "latent_frames", r, r);
        String first = g.op("Slice", z, g.longs(0), g.longs(1), g.longs(2));
        String before = g.op("Slice", z, g.longs(0), g.longs(-1), g.longs(2));
        String after = g.op("Slice", z, g.longs(1), g.longs(Long.MAX_VALUE), g.longs(2));
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < TEMPORAL; i++) {
            float w = (i + 1) / (float) TEMPORAL;
            String mixed = g.op("Add", g.op("Mul", before, g.scalar(1 - w)), g.op("Mul", after, g.scalar(w)));
            steps.add(g.op("Unsqueeze", mixed, g.longs(3)));
        }
        String groups = g.op("Concat", List.of(Attr.of("axis", 3)), steps.toArray(String[]::new));
        String later = g.op("Reshape", groups, g.longs(1, CHANNELS, -1, r, r));
        String all = g.op("Concat", List.of(Attr.of("axis", 2)), first, later);
        String p = g.op("Mul", g.op("Add", all, g.scalar(1f)), g.scalar(0.5f));
        g.opNamed("pixels", "Clip", List.of(), p, g.scalar(0f), g.scalar(1f));
        g.output("pixels", TensorType.FLOAT, 1, CHANNELS, "frames", r, r);
        return g.build();
    }

    /**
     * The encoder in chunks: the first chunk's one frame, or the last of four, scaled to [-1, 1]. It needs no
     * cache: a latent frame is its last frame.
     */
    byte[] vaeEncoderChunk(boolean first) {
        int r = resolution, t = first ? 1 : TEMPORAL;
        GraphBuilder g = new GraphBuilder(first ? "vae_encoder_first" : "vae_encoder");
        String x = g.input("pixels", TensorType.FLOAT, 1, CHANNELS, t, r, r);
        String last = g.op("Slice", x, g.longs(t - 1), g.longs(t), g.longs(2));
        g.opNamed("latents", "Sub", List.of(), g.op("Mul", last, g.scalar(2f)), g.scalar(1f));
        g.output("latents", TensorType.FLOAT, 1, CHANNELS, 1, r, r);
        return g.build();
    }

    /**
     * The decoder in chunks: the first latent frame is frame 0; a later one makes four frames from the
     * previous latent frame (its cache) towards itself, with the same arithmetic as {@link #vaeDecoder}.
     */
    byte[] vaeDecoderChunk(boolean first) {
        int r = resolution;
        GraphBuilder g = new GraphBuilder(first ? "vae_decoder_first" : "vae_decoder");
        String z = g.input("latents", TensorType.FLOAT, 1, CHANNELS, 1, r, r);
        String frames;
        if (first) {
            frames = z;
        } else {
            String before = g.input("previous", TensorType.FLOAT, 1, CHANNELS, 1, r, r);
            List<String> steps = new ArrayList<>();
            for (int i = 0; i < TEMPORAL; i++) {
                float w = (i + 1) / (float) TEMPORAL;
                steps.add(g.op("Add", g.op("Mul", before, g.scalar(1 - w)), g.op("Mul", z, g.scalar(w))));
            }
            frames = g.op("Concat", List.of(Attr.of("axis", 2)), steps.toArray(String[]::new));
        }
        String p = g.op("Mul", g.op("Add", frames, g.scalar(1f)), g.scalar(0.5f));
        g.opNamed("pixels", "Clip", List.of(), p, g.scalar(0f), g.scalar(1f));
        g.opNamed("previous_next", "Identity", List.of(), z);
        g.output("pixels", TensorType.FLOAT, 1, CHANNELS, first ? 1 : TEMPORAL, r, r);
        g.output("previous_next", TensorType.FLOAT, 1, CHANNELS, 1, r, r);
        return g.build();
    }

    /**
     * The flow from the sample to the target of each latent frame's last video frame, at the step's σ;
     * {@code withMotion}: leaning towards the motion latents.
     */
    GraphBuilder denoiser(boolean withMotion) {
        int r = resolution, w = 2 * audioWindow + 1, motionLatents = 1 + (motionFrames - 1) / TEMPORAL;
        GraphBuilder g = new GraphBuilder(withMotion ? "denoiser" : "first_clip_denoiser");
        String sample = g.input("sample", TensorType.FLOAT, "batch", CHANNELS, "latent_frames", r, r);
        g.input("timestep", TensorType.FLOAT, 1);
        String sigma = g.input("sigma", TensorType.FLOAT, 1);
        String reference = g.input("reference_latents", TensorType.FLOAT, 1, CHANNELS, 1, r, r);
        String motion = withMotion ? g.input("motion_latents", TensorType.FLOAT, 1, CHANNELS, motionLatents, r, r) : null;
        String audio = g.input("audio_windows", TensorType.FLOAT, "batch", "frames", w, AUDIO_FEATURES);
        String time = g.input("frame_time", TensorType.FLOAT, "frames");
        String scale = g.input("motion_scale", TensorType.FLOAT, 3);
        if (variant.poseInput()) {
            g.input("pose_latents", TensorType.FLOAT, 1, CHANNELS, clipFrames / TEMPORAL, r, r);
        }
        String zero = g.scalar(0f), one = g.scalar(1f);

        // latent j stands for the clip's frames 4j .. 4j + 3 and equals the last of them once decoded
        String latentAudio = g.op("Slice", audio, g.longs(TEMPORAL - 1), g.longs(Long.MAX_VALUE), g.longs(1), g.longs(TEMPORAL));
        String latentTime = g.op("Slice", time, g.longs(TEMPORAL - 1), g.longs(Long.MAX_VALUE), g.longs(0), g.longs(TEMPORAL));
        String refFeat = ProceduralPack.referenceFeatures(g, g.op("Reshape", reference, g.longs(1, CHANNELS, r, r)));
        float[] ones = new float[r * r];
        Arrays.fill(ones, 1f);
        String everywhere = g.constant(ones, 1, 1, r, r);
        String target = new FaceTarget(g, r, audioWindow).build(refFeat, latentAudio, everywhere, latentTime, scale);
        String x0 = withMotion ? ProceduralPack.leanTowardsMotionFrames(g, target, motion, motionLatents, latentTime, zero, one)
                : target;
        String x0t = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3, 4)), x0);
        g.opNamed("noise_pred", "Div", List.of(), g.op("Sub", sample, x0t), sigma);
        g.output("noise_pred", TensorType.FLOAT, "batch", CHANNELS, "latent_frames", r, r);
        return g;
    }
}
