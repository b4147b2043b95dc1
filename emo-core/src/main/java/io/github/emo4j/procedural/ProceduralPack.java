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
 *   <li>the audio encoder turns each 20 ms of normalised speech into a voice-activity level;</li>
 *   <li>the reference net passes the portrait's latents on, plus a copy shifted down for eyelids;</li>
 *   <li>the face locator passes the face-region mask on;</li>
 *   <li>the target frame opens the mouth with the windowed voice activity, blinks the eyes every
 *       {@value ProceduralFace#BLINK_PERIOD} s, sways the head slightly, changes nothing outside the
 *       face region, and leans its first frames towards the motion frames of the previous clip.</li>
 * </ul>
 *
 * See {@link ProceduralFace} for the constants.
 */
public final class ProceduralPack {

    public static final String NAME = "procedural-reference";
    private static final int CHANNELS = 3;

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
        return new ProceduralPack(256, 12, 4, 2, 25, 8, 2.0, 0);
    }

    /** A pack of another size, for tests and benchmarks. */
    public static ProceduralPack of(int resolution, int clipFrames, int motionFrames, int audioWindow) {
        if (resolution < 16 || resolution > 1024 || clipFrames < 1 || motionFrames < 1 || audioWindow < 0) {
            throw new IllegalArgumentException("invalid procedural pack size");
        }
        return new ProceduralPack(resolution, clipFrames, motionFrames, audioWindow, 25, 8, 2.0, 0);
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

    private int chunk() {
        return 320;
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
        settings.put("audio_chunk_samples", (double) chunk());
        settings.put("audio_feature_dim", 1.0);
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
                List.of(tensor("audio", "chunks", chunk())), List.of(tensor("audio_features", "chunks", 1))));
        comps.put("reference_net", component("reference_net.onnx",
                List.of(tensor("reference_latents", 1, CHANNELS, r, r)), List.of(tensor("reference_features", 1, 2 * CHANNELS, r, r))));
        comps.put("face_locator", component("face_locator.onnx",
                List.of(tensor("face_mask", 1, 1, r, r)), List.of(tensor("mask_features", 1, 1, r, r))));
        List<Object> unetIn = new ArrayList<>();
        unetIn.add(tensor("sample", "batch", CHANNELS, "frames", r, r));
        unetIn.add(tensorOf("timestep", "int64", 1));
        unetIn.add(tensor("reference_features", 1, 2 * CHANNELS, r, r));
        unetIn.add(tensor("audio_windows", "batch", "frames", w, 1));
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
                + "(mouth opens with the voice, eyes blink, head sways). Not a learned model.");
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

    byte[] audioEncoder() {
        GraphBuilder g = new GraphBuilder("audio_encoder");
        String a = g.input("audio", TensorType.FLOAT, "chunks", chunk());
        String ms = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 1)), g.op("Mul", a, a));
        String level = g.op("Sub", g.op("Mul", g.op("Sqrt", ms), g.scalar(AUDIO_GAIN)), g.scalar(AUDIO_BIAS));
        g.opNamed("audio_features", "Clip", List.of(), level, g.scalar(0f), g.scalar(1f));
        g.output("audio_features", TensorType.FLOAT, "chunks", 1);
        return g.build();
    }

    byte[] referenceNet() {
        int r = resolution, sh = lidShift(r);
        GraphBuilder g = new GraphBuilder("reference_net");
        String ref = g.input("reference_latents", TensorType.FLOAT, 1, CHANNELS, r, r);
        // the eyelid source: the same face moved down by one eye height, its top row repeated
        String top = g.op("Slice", ref, g.longs(0), g.longs(r - sh), g.longs(2));
        String lid = g.op("Pad", List.of(Attr.of("mode", "edge")), top, g.longs(0, 0, sh, 0, 0, 0, 0, 0));
        g.opNamed("reference_features", "Concat", List.of(Attr.of("axis", 1)), ref, lid);
        g.output("reference_features", TensorType.FLOAT, 1, 2 * CHANNELS, r, r);
        return g.build();
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
        String refFeat = g.input("reference_features", TensorType.FLOAT, 1, 2 * CHANNELS, r, r);
        String audio = g.input("audio_windows", TensorType.FLOAT, "batch", "frames", w, 1);
        String maskFeat = g.input("mask_features", TensorType.FLOAT, 1, 1, r, r);
        String motion = g.input("motion_latents", TensorType.FLOAT, 1, CHANNELS, n, r, r);
        String time = g.input("frame_time", TensorType.FLOAT, "frames");
        String scale = g.input("motion_scale", TensorType.FLOAT, 3);
        String zero = g.scalar(0f), one = g.scalar(1f);

        // reference and lid images as [1, 1, C, R, R], broadcasting over batch and frames
        String ref = g.op("Reshape", g.op("Slice", refFeat, g.longs(0), g.longs(CHANNELS), g.longs(1)), g.longs(1, 1, CHANNELS, r, r));
        String lid = g.op("Reshape", g.op("Slice", refFeat, g.longs(CHANNELS), g.longs(2 * CHANNELS), g.longs(1)), g.longs(1, 1, CHANNELS, r, r));
        String pose = g.op("Gather", List.of(Attr.of("axis", 0)), scale, g.constantLong(new long[] {0}));
        String expression = g.op("Gather", List.of(Attr.of("axis", 0)), scale, g.constantLong(new long[] {1}));
        String lip = g.op("Gather", List.of(Attr.of("axis", 0)), scale, g.constantLong(new long[] {2}));

        String face = mouth(g, audio, ref, lip, zero, one);
        face = blink(g, face, lid, time, expression, zero, one);
        String warped = headSway(g, face, time, pose, audio);
        // only the face region may change
        String mask5 = g.op("Reshape", maskFeat, g.longs(1, 1, 1, r, r));
        String target = g.op("Add", ref, g.op("Mul", mask5, g.op("Sub", warped, ref)));

        String x0 = leanTowardsMotionFrames(g, target, motion, time, zero, one);
        noiseTowards(g, x0, sample, timestep, one);
        g.output("noise_pred", TensorType.FLOAT, "batch", CHANNELS, "frames", r, r);
        return g.build();
    }

    /** The mouth: its opening from the audio window, drawn as a dark ellipse of that height over the reference. */
    private String mouth(GraphBuilder g, String audio, String ref, String lip, String zero, String one) {
        int r = resolution, w = 2 * audioWindow + 1;
        String weighted = g.op("Mul", audio, g.constant(windowWeights(audioWindow), w, 1));
        String level = g.op("ReduceSum", List.of(Attr.of("keepdims", 0)), weighted, g.longs(2, 3));
        String opening = g.op("Clip", g.op("Mul", level, lip), zero, one);
        String open5 = g.op("Reshape", opening, g.longs(0, 0, 1, 1, 1));
        String gap = g.op("Sub", g.op("Mul", g.op("Mul", open5, open5), g.constant(mouthU(), 1, 1, 1, r, r)),
                g.constant(mouthV(), 1, 1, 1, r, r));
        String mouth = g.op("Clip", g.op("Mul", gap, g.scalar(MOUTH_SHARPNESS)), zero, one);
        String toDark = g.op("Sub", g.constant(MOUTH_COLOR, 1, 1, CHANNELS, 1, 1), ref);
        String face = g.op("Add", ref, g.op("Mul", g.op("Mul", mouth, g.scalar(MOUTH_DEPTH)), toDark));

        return face;
    }

    /** Blinks: a triangular pulse every BLINK_PERIOD seconds; the lid covers the eye from the top. */
    private String blink(GraphBuilder g, String face, String lid, String time, String expression, String zero, String one) {
        int r = resolution;
        String phase = g.op("Mod", List.of(Attr.of("fmod", 1)), g.op("Add", time, g.scalar(BLINK_PHASE)), g.scalar(BLINK_PERIOD));
        String dist = g.op("Abs", g.op("Sub", phase, g.scalar(BLINK_PERIOD / 2)));
        String pulse = g.op("Clip", g.op("Sub", one, g.op("Div", dist, g.scalar(BLINK_HALF_WIDTH))), zero, one);
        String blink = g.op("Clip", g.op("Mul", pulse, expression), zero, one);
        String blink5 = g.op("Reshape", blink, g.longs(1, -1, 1, 1, 1));
        String cover = g.op("Clip", g.op("Mul", g.op("Sub", blink5, g.constant(eyeDepth(), 1, 1, 1, r, r)), g.scalar(LID_SHARPNESS)), zero, one);
        String lidMask = g.op("Mul", cover, g.constant(eyeMask(), 1, 1, 1, r, r));
        return g.op("Add", face, g.op("Mul", lidMask, g.op("Sub", lid, face)));

    }

    /** Head sway: each frame resampled through an affine grid rotating about the neck and shifting. */
    private String headSway(GraphBuilder g, String face, String time, String pose, String audio) {
        int r = resolution;
        String twoPiT = g.op("Mul", time, g.scalar((float) (2 * Math.PI)));
        String theta = g.op("Mul", g.op("Mul", g.op("Sin", g.op("Div", twoPiT, g.scalar(ROT_PERIOD))), g.scalar(ROT_AMPLITUDE)), pose);
        String tx = g.op("Mul", g.op("Mul", g.op("Sin", g.op("Add", g.op("Div", twoPiT, g.scalar(TX_PERIOD)), g.scalar(TX_PHASE))), g.scalar(TX_AMPLITUDE)), pose);
        String ty = g.op("Mul", g.op("Mul", g.op("Sin", g.op("Add", g.op("Div", twoPiT, g.scalar(TY_PERIOD)), g.scalar(TY_PHASE))), g.scalar(TY_AMPLITUDE)), pose);
        String cos = g.op("Cos", theta), sin = g.op("Sin", theta);
        String px = g.scalar(PIVOT_X), py = g.scalar(PIVOT_Y);
        // source = R(theta)·(dest − pivot) + pivot − t
        String ox = g.op("Sub", g.op("Add", g.op("Sub", px, g.op("Mul", cos, px)), g.op("Mul", sin, py)), tx);
        String oy = g.op("Sub", g.op("Sub", g.op("Sub", py, g.op("Mul", sin, px)), g.op("Mul", cos, py)), ty);
        String negSin = g.op("Neg", sin);
        String cols = g.op("Concat", List.of(Attr.of("axis", 1)), col(g, cos), col(g, sin), col(g, negSin), col(g, cos), col(g, ox), col(g, oy));
        String affine = g.op("Reshape", cols, g.longs(-1, 3, 2));
        String grid = g.op("MatMul", g.constant(baseGrid(), (long) r * r, 3), affine);
        String grid5 = g.op("Reshape", grid, g.longs(1, -1, r, r, 2));
        String batch = g.op("Slice", g.op("Shape", audio), g.longs(0), g.longs(1), g.longs(0));
        String expandTo = g.op("Concat", List.of(Attr.of("axis", 0)), batch, g.longs(1, 1, 1, 1));
        String gridB = g.op("Reshape", g.op("Expand", grid5, expandTo), g.longs(-1, r, r, 2));
        String faceShape = g.op("Shape", face);
        String frames4 = g.op("Reshape", face, g.longs(-1, CHANNELS, r, r));
        String warped4 = g.op("GridSample", List.of(Attr.of("mode", "bilinear"), Attr.of("padding_mode", "border"),
                Attr.of("align_corners", 0)), frames4, gridB);
        return g.op("Reshape", warped4, faceShape);

    }

    /** Motion frames: the clip's first frames lean towards the previous clip's recent frames. */
    private String leanTowardsMotionFrames(GraphBuilder g, String target, String motion, String time, String zero, String one) {
        int n = motionFrames;
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

    private static String col(GraphBuilder g, String v) {
        return g.op("Unsqueeze", v, g.longs(1));
    }

    private float coord(int i) {
        return (i + 0.5f) / resolution;
    }

    float[] mouthU() {
        float[] u = new float[resolution * resolution];
        for (int y = 0; y < resolution; y++) {
            for (int x = 0; x < resolution; x++) {
                float d = (coord(x) - MOUTH_X) / MOUTH_RX;
                u[y * resolution + x] = 1 - d * d;
            }
        }
        return u;
    }

    float[] mouthV() {
        float[] v = new float[resolution * resolution];
        for (int y = 0; y < resolution; y++) {
            float d = (coord(y) - MOUTH_Y) / MOUTH_RY;
            for (int x = 0; x < resolution; x++) {
                v[y * resolution + x] = d * d;
            }
        }
        return v;
    }

    float[] eyeMask() {
        float[] m = new float[resolution * resolution];
        for (int y = 0; y < resolution; y++) {
            float dy = (coord(y) - EYE_Y) / EYE_RY;
            for (int x = 0; x < resolution; x++) {
                float best = 0;
                for (float ex : EYE_X) {
                    float dx = (coord(x) - ex) / EYE_RX;
                    best = Math.max(best, Math.max(0, Math.min(1, EYE_SHARPNESS * (1 - dx * dx - dy * dy))));
                }
                m[y * resolution + x] = best;
            }
        }
        return m;
    }

    float[] eyeDepth() {
        float[] d = new float[resolution * resolution];
        for (int y = 0; y < resolution; y++) {
            float v = (coord(y) - (EYE_Y - EYE_RY)) / (2 * EYE_RY);
            for (int x = 0; x < resolution; x++) {
                d[y * resolution + x] = v;
            }
        }
        return d;
    }

    /** (x, y, 1) of every pixel centre in grid units, align_corners = 0. */
    float[] baseGrid() {
        float[] b = new float[resolution * resolution * 3];
        for (int y = 0; y < resolution; y++) {
            for (int x = 0; x < resolution; x++) {
                int i = 3 * (y * resolution + x);
                b[i] = (2 * x + 1) / (float) resolution - 1;
                b[i + 1] = (2 * y + 1) / (float) resolution - 1;
                b[i + 2] = 1;
            }
        }
        return b;
    }
}
