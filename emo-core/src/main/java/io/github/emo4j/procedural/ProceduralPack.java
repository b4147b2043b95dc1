package io.github.emo4j.procedural;

import static io.github.emo4j.pack.ManifestEntries.component;
import static io.github.emo4j.pack.ManifestEntries.tensor;
import static io.github.emo4j.pack.ManifestEntries.tensorOf;

import static io.github.emo4j.procedural.ProceduralFace.*;

import io.github.emo4j.onnx.GraphBuilder.Attr;
import io.github.emo4j.onnx.GraphBuilder;
import io.github.emo4j.onnx.TensorType;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.MemoryPackSource;
import io.github.emo4j.pack.PackManifest;
import io.github.emo4j.sched.NoiseSchedule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in reference pack: weight-free ONNX graphs generated here, in code, with the same roles and
 * tensor contract as a learned EMO-class pack. It is not a learned model. Its denoiser predicts exactly
 * the noise that leads to an analytic target frame, so every render has a known correct answer:
 *
 * <ul>
 *   <li>the latent space is the pixels themselves, scaled to [-1, 1] (VAE encoder and decoder);</li>
 *   <li>the audio encoder turns each 20 ms of normalised speech into an opening (loudness) and two lip
 *       shapes, wide and round (the energy's share in formant bands);</li>
 *   <li>the reference net passes the portrait's latents on, plus the mouth's interior (dark, keeping
 *       the photo's teeth);</li>
 *   <li>the face locator passes the face-region mask on;</li>
 *   <li>the target frame opens the lips with a displacement field driven by the windowed audio
 *       features, shows the interior only between them, blinks the eyes every
 *       {@value ProceduralFace#BLINK_PERIOD} s, sways the head by a fraction of the eyes' distance,
 *       changes nothing outside the face region, and leans its first frames towards the motion frames
 *       of the previous clip ({@link FaceTarget}).</li>
 * </ul>
 *
 * See {@link ProceduralFace} for the constants.
 */
public final class ProceduralPack {

    public static final String NAME = "procedural-reference";
    /**
     * DDIM reaches the analytic target exactly in any number of steps, so more steps would only cost
     * time; four keep a visible denoising loop (progress, cancellation, the step hooks) in every render.
     */
    private static final int DEFAULT_STEPS = 4;
    /**
     * Guidance extrapolates between a speaking and a silent frame; on a warped mouth that draws a ghost of
     * the closed lips, so the built-in pack renders without it (a learned pack declares its own).
     */
    private static final double DEFAULT_GUIDANCE = 1.0;
    static final int CHANNELS = 3;
    /** Opening, wide and round per audio chunk. */
    static final int AUDIO_FEATURES = 3;
    private static final int REF = FaceTarget.REF_CHANNELS;

    private final int resolution;
    private final int clipFrames;
    private final int motionFrames;
    private final int audioWindow;
    private final int fps;
    private final int defaultSteps;
    private final double defaultGuidance;
    private final int contextOverlap;

    private ProceduralPack(int resolution, int clipFrames, int motionFrames, int audioWindow, int fps,
                           int defaultSteps, double defaultGuidance, int contextOverlap) {
        this.contextOverlap = contextOverlap;
        this.resolution = resolution;
        this.clipFrames = clipFrames;
        this.motionFrames = motionFrames;
        this.audioWindow = audioWindow;
        this.fps = fps;
        this.defaultSteps = defaultSteps;
        this.defaultGuidance = defaultGuidance;
    }

    /** The embedded default: 256 px, clips of 12 frames, 4 motion frames, audio window ±2, 25 fps. */
    public static ProceduralPack standard() {
        return new ProceduralPack(256, 12, 4, 2, 25, DEFAULT_STEPS, DEFAULT_GUIDANCE, 0);
    }

    /** A pack of another size, for tests and benchmarks. */
    public static ProceduralPack of(int resolution, int clipFrames, int motionFrames, int audioWindow) {
        if (resolution < 16 || resolution > 1024 || clipFrames < 1 || motionFrames < 1 || audioWindow < 0) {
            throw new IllegalArgumentException("invalid procedural pack size");
        }
        return new ProceduralPack(resolution, clipFrames, motionFrames, audioWindow, 25, DEFAULT_STEPS, DEFAULT_GUIDANCE, 0);
    }

    /** This pack with clips overlapping by {@code frames} frames, cross-faded, instead of motion-frame chaining. */
    public ProceduralPack withContextOverlap(int frames) {
        if (frames < 0 || frames >= clipFrames) {
            throw new IllegalArgumentException("overlap must be between 0 and clip frames - 1: " + frames);
        }
        return new ProceduralPack(resolution, clipFrames, motionFrames, audioWindow, fps, defaultSteps, defaultGuidance, frames);
    }

    /** The scheduler configuration the pack ships, in diffusers' keys (Stable Diffusion's DDIM schedule). */
    public static Map<String, Object> schedulerConfig() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_class_name", "DDIMScheduler");
        s.put("num_train_timesteps", 1000.0);
        s.put("beta_start", 0.00085);
        s.put("beta_end", 0.012);
        s.put("beta_schedule", "scaled_linear");
        s.put("clip_sample", false);
        s.put("set_alpha_to_one", true);
        s.put("steps_offset", 1.0);
        s.put("prediction_type", "epsilon");
        s.put("timestep_spacing", "leading");
        return s;
    }

    /** The pack as an in-memory source: manifest plus generated graphs. */
    public MemoryPackSource source() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("vae_encoder.onnx", vaeEncoder());
        files.put("vae_decoder.onnx", vaeDecoder());
        files.put("audio_encoder.onnx", audioEncoder());
        files.put("reference_net.onnx", referenceNet());
        files.put("face_locator.onnx", faceLocator());
        files.put("denoising_unet.onnx", denoisingUnet());
        return new MemoryPackSource("builtin:" + NAME, manifest(), files);
    }

    String manifest() {
        int r = resolution, w = 2 * audioWindow + 1;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("resolution", (double) r);
        settings.put("latent_channels", (double) CHANNELS);
        settings.put("latent_downsample", 1.0);
        settings.put("clip_frames", (double) clipFrames);
        settings.put("motion_frames", (double) motionFrames);
        settings.put("audio_window", (double) audioWindow);
        settings.put("audio_sample_rate", 16000.0);
        settings.put("audio_chunk_samples", (double) CHUNK);
        settings.put("audio_feature_dim", (double) AUDIO_FEATURES);
        // normalised causally, each 20 ms by the voice so far: a live session then makes a render's frames
        settings.put("audio_input", "wav2vec-input-causal");
        settings.put("fps", (double) fps);
        settings.put("default_steps", (double) defaultSteps);
        settings.put("default_guidance", defaultGuidance);
        if (contextOverlap > 0) {
            settings.put("context_overlap", (double) contextOverlap);
        }
        Map<String, Object> comps = new LinkedHashMap<>();
        comps.put("vae_encoder", component("vae_encoder.onnx",
                List.of(tensor("pixels", "batch", CHANNELS, r, r)), List.of(tensor("latents", "batch", CHANNELS, r, r))));
        comps.put("vae_decoder", component("vae_decoder.onnx",
                List.of(tensor("latents", "batch", CHANNELS, r, r)), List.of(tensor("pixels", "batch", CHANNELS, r, r))));
        comps.put("audio_encoder", component("audio_encoder.onnx",
                List.of(tensor("audio", "chunks", CHUNK)), List.of(tensor("audio_features", "chunks", AUDIO_FEATURES))));
        comps.put("reference_net", component("reference_net.onnx",
                List.of(tensor("reference_latents", 1, CHANNELS, r, r)), List.of(tensor("reference_features", 1, REF, r, r))));
        comps.put("face_locator", component("face_locator.onnx",
                List.of(tensor("face_mask", 1, 1, r, r)), List.of(tensor("mask_features", 1, 1, r, r))));
        List<Object> unetIn = new ArrayList<>();
        unetIn.add(tensor("sample", "batch", CHANNELS, "frames", r, r));
        unetIn.add(tensorOf("timestep", "int64", 1));
        unetIn.add(tensor("reference_features", 1, REF, r, r));
        unetIn.add(tensor("audio_windows", "batch", "frames", w, AUDIO_FEATURES));
        unetIn.add(tensor("mask_features", 1, 1, r, r));
        unetIn.add(tensor("motion_latents", 1, CHANNELS, motionFrames, r, r));
        unetIn.add(tensor("frame_time", "frames"));
        unetIn.add(tensor("motion_scale", 3));
        comps.put("denoising_unet", component("denoising_unet.onnx", unetIn,
                List.of(tensor("noise_pred", "batch", CHANNELS, "frames", r, r))));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", PackManifest.FORMAT);
        m.put("name", NAME);
        m.put("description", "Procedural reference pack: weight-free graphs with an analytic target "
                + "(lips part and shape with the voice, eyes blink, head sways). Not a learned model.");
        m.put("settings", settings);
        m.put("scheduler", schedulerConfig());
        m.put("components", comps);
        return Json.write(m);
    }




    // ---- graphs ----

    byte[] vaeEncoder() {
        int r = resolution;
        GraphBuilder g = new GraphBuilder("vae_encoder");
        String x = g.input("pixels", TensorType.FLOAT, "batch", CHANNELS, r, r);
        g.opNamed("latents", "Sub", List.of(), g.op("Mul", x, g.scalar(2f)), g.scalar(1f));
        g.output("latents", TensorType.FLOAT, "batch", CHANNELS, r, r);
        return g.build();
    }

    byte[] vaeDecoder() {
        int r = resolution;
        GraphBuilder g = new GraphBuilder("vae_decoder");
        String z = g.input("latents", TensorType.FLOAT, "batch", CHANNELS, r, r);
        String p = g.op("Mul", g.op("Add", z, g.scalar(1f)), g.scalar(0.5f));
        g.opNamed("pixels", "Clip", List.of(), p, g.scalar(0f), g.scalar(1f));
        g.output("pixels", TensorType.FLOAT, "batch", CHANNELS, r, r);
        return g.build();
    }

    /**
     * Per chunk: the opening from the loudness, and the wide and round lip shapes from the share of the
     * spectrum's energy in formant bands (Hann-windowed DFT as one matrix product).
     */
    static byte[] audioEncoder() {
        GraphBuilder g = new GraphBuilder("audio_encoder");
        String zero = g.scalar(0f), one = g.scalar(1f);
        String a = g.input("audio", TensorType.FLOAT, "chunks", CHUNK);
        String ms = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 1)), g.op("Mul", a, a));
        String open = g.op("Clip", g.op("Sub", g.op("Mul", g.op("Sqrt", ms), g.scalar(AUDIO_GAIN)), g.scalar(AUDIO_BIAS)), zero, one);
        String spectrum = g.op("MatMul", a, g.constant(dftMatrix(), CHUNK, 2 * SPECTRUM_BINS));
        String bands = g.op("MatMul", g.op("Mul", spectrum, spectrum), g.constant(bandWeights(), 2 * SPECTRUM_BINS, 3));
        String all = g.op("Add", g.op("Slice", bands, g.longs(0), g.longs(1), g.longs(1)), g.scalar(SPECTRUM_FLOOR));
        String shares = g.op("Div", g.op("Slice", bands, g.longs(1), g.longs(3), g.longs(1)), all);
        String shapes = g.op("Clip", g.op("Sub", g.op("Mul", shares, g.constant(new float[] {WIDE_GAIN, ROUND_GAIN}, 2)),
                g.constant(new float[] {WIDE_BIAS, ROUND_BIAS}, 2)), zero, one);
        g.opNamed("audio_features", "Concat", List.of(Attr.of("axis", 1)), open, g.op("Mul", shapes, open));
        g.output("audio_features", TensorType.FLOAT, "chunks", AUDIO_FEATURES);
        return g.build();
    }

    /** Columns: Hann-windowed cosine then sine of bins 1..SPECTRUM_BINS. */
    private static float[] dftMatrix() {
        int n = CHUNK, k2 = 2 * SPECTRUM_BINS;
        float[] m = new float[n * k2];
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / n);
            for (int k = 1; k <= SPECTRUM_BINS; k++) {
                double phase = 2 * Math.PI * k * i / n;
                m[i * k2 + k - 1] = (float) (hann * Math.cos(phase));
                m[i * k2 + SPECTRUM_BINS + k - 1] = (float) (hann * Math.sin(phase));
            }
        }
        return m;
    }

    /** Rows: the squared DFT columns; columns: all bands, the high band, and low − mid − 2·high. */
    private static float[] bandWeights() {
        float[] w = new float[2 * SPECTRUM_BINS * 3];
        for (int row = 0; row < 2 * SPECTRUM_BINS; row++) {
            int bin = row % SPECTRUM_BINS + 1;
            float low = in(bin, LOW_BAND), mid = in(bin, MID_BAND), high = in(bin, HIGH_BAND);
            w[row * 3] = low + mid + high;
            w[row * 3 + 1] = high;
            w[row * 3 + 2] = low - mid - 2 * high;
        }
        return w;
    }

    private static float in(int bin, int[] band) {
        return bin >= band[0] && bin <= band[1] ? 1 : 0;
    }

    /** The portrait, once per render: itself, and its mouth interior (dark, keeping what looks like teeth). */
    byte[] referenceNet() {
        int r = resolution;
        GraphBuilder g = new GraphBuilder("reference_net");
        String ref = g.input("reference_latents", TensorType.FLOAT, 1, CHANNELS, r, r);
        g.opNamed("reference_features", "Identity", List.of(), referenceFeatures(g, ref));
        g.output("reference_features", TensorType.FLOAT, 1, REF, r, r);
        return g.build();
    }

    /** The portrait's latents {@code [1, 3, R, R]} and its mouth interior, {@code [1, 6, R, R]}. */
    static String referenceFeatures(GraphBuilder g, String ref) {
        String darkest = g.op("ReduceMin", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 1)), ref);
        String tooth = g.op("Clip", g.op("Mul", g.op("Sub", darkest, g.scalar(TOOTH_LEVEL)), g.scalar(TOOTH_GAIN)),
                g.scalar(0f), g.scalar(1f));
        String dark = g.constant(MOUTH_COLOR, 1, CHANNELS, 1, 1);
        String interior = g.op("Add", dark, g.op("Mul", tooth, g.op("Sub", ref, dark)));
        return g.op("Concat", List.of(Attr.of("axis", 1)), ref, interior);
    }

    byte[] faceLocator() {
        int r = resolution;
        GraphBuilder g = new GraphBuilder("face_locator");
        String m = g.input("face_mask", TensorType.FLOAT, 1, 1, r, r);
        g.opNamed("mask_features", "Clip", List.of(), m, g.scalar(0f), g.scalar(1f));
        g.output("mask_features", TensorType.FLOAT, 1, 1, r, r);
        return g.build();
    }

    byte[] denoisingUnet() {
        int r = resolution, w = 2 * audioWindow + 1, n = motionFrames;
        GraphBuilder g = new GraphBuilder("denoising_unet");
        String sample = g.input("sample", TensorType.FLOAT, "batch", CHANNELS, "frames", r, r);
        String timestep = g.input("timestep", TensorType.INT64, 1);
        String refFeat = g.input("reference_features", TensorType.FLOAT, 1, REF, r, r);
        String audio = g.input("audio_windows", TensorType.FLOAT, "batch", "frames", w, AUDIO_FEATURES);
        String maskFeat = g.input("mask_features", TensorType.FLOAT, 1, 1, r, r);
        String motion = g.input("motion_latents", TensorType.FLOAT, 1, CHANNELS, n, r, r);
        String time = g.input("frame_time", TensorType.FLOAT, "frames");
        String scale = g.input("motion_scale", TensorType.FLOAT, 3);
        String zero = g.scalar(0f), one = g.scalar(1f);

        String target = new FaceTarget(g, r, audioWindow).build(refFeat, audio, maskFeat, time, scale);
        String x0 = leanTowardsMotionFrames(g, target, motion, n, time, zero, one);
        noiseTowards(g, x0, sample, timestep, one);
        g.output("noise_pred", TensorType.FLOAT, "batch", CHANNELS, "frames", r, r);
        return g.build();
    }

    /**
     * Motion frames: the clip's first frames ({@code target} {@code [B, F, 3, R, R]}, F the length of
     * {@code time}) lean towards the {@code n} motion frames {@code [1, 3, n, R, R]}.
     */
    static String leanTowardsMotionFrames(GraphBuilder g, String target, String motion, int n, String time, String zero,
                                          String one) {
        String mw = g.op("Mul", motion, g.constant(motionWeights(n), 1, 1, n, 1, 1));
        String mbar = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3, 4)),
                g.op("ReduceSum", List.of(Attr.of("keepdims", 1)), mw, g.longs(2)));
        String any = g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())),
                g.op("Greater", g.op("ReduceMax", List.of(Attr.of("keepdims", 0)), g.op("Abs", motion)), g.scalar(1e-6f)));
        String frameCount = g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())),
                g.op("Reshape", g.op("Shape", time), g.longs()));
        String k = g.op("Range", zero, frameCount, one);
        String lean = g.op("Mul", g.op("Mul", g.op("Pow", g.scalar(MOTION_DECAY), k), g.scalar(MOTION_WEIGHT)), any);
        String lean5 = g.op("Reshape", lean, g.longs(1, -1, 1, 1, 1));
        return g.op("Add", target, g.op("Mul", lean5, g.op("Sub", mbar, target)));

    }

    /** The output: the noise that takes {@code sample} at this timestep to exactly {@code x0}. */
    private static void noiseTowards(GraphBuilder g, String x0, String sample, String timestep, String one) {
        String x0t = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3, 4)), x0);
        NoiseSchedule ns = NoiseSchedule.from(schedulerConfig());
        String abar = g.op("Gather", List.of(Attr.of("axis", 0)), g.constant(ns.alphasCumprodTable(), ns.trainSteps()), timestep);
        String sa = g.op("Sqrt", abar), sb = g.op("Sqrt", g.op("Sub", one, abar));
        g.opNamed("noise_pred", "Div", List.of(), g.op("Sub", sample, g.op("Mul", sa, x0t)), sb);
    }
}
