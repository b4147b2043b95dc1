package io.github.emo4j.testkit;

import static io.github.emo4j.pack.ManifestEntries.component;
import static io.github.emo4j.pack.ManifestEntries.tensor;
import static io.github.emo4j.pack.ManifestEntries.tensorOf;

import io.github.emo4j.onnx.GraphBuilder.Attr;
import io.github.emo4j.onnx.GraphBuilder;
import io.github.emo4j.onnx.TensorType;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.MemoryPackSource;
import io.github.emo4j.pack.PackManifest;
import io.github.emo4j.procedural.ProceduralPack;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random-weight packs with the input and output structure of an EMO-class model (Hallo's, scaled): an
 * 8× VAE with 4 latent channels (a convolution down, smooth bilinear frames up), an audio encoder and an audio projection (per-frame
 * windows to tokens, batched for guidance with zeros first), a ReferenceNet that emits one
 * feature bank per UNet level ({@code reference_bank_0..3}, [1, tokens, width] with tokens
 * (h/2^l)²), a face locator whose features enter the guidance batch with zeros first, Hallo-style
 * full and lip masks at two levels, motion frames and {@code motion_scale}, and a denoiser of 3-D
 * convolutions whose cost grows with the hidden width. Its output is meaningless; its shapes and its
 * cost are real, for contract tests and for benchmarks at realistic tensor sizes.
 *
 * @param resolution  frame side in pixels (a multiple of 64)
 * @param clipFrames  frames per clip
 * @param motionFrames motion frames
 * @param audioDim    audio feature width
 * @param hidden      hidden channels of the denoiser
 * @param bankScale   bank widths as a fraction of Hallo's (320, 640, 1280, 1280)
 * @param seed        weight seed
 * @param half        whether the denoiser and the VAE decoder take and give float16 tensors, as an
 *                    fp16 export does (their arithmetic stays float32 inside)
 * @param layout      which model's way of passing conditions the pack follows
 */
public record SyntheticPack(int resolution, int clipFrames, int motionFrames, int audioDim, int hidden,
                            double bankScale, long seed, boolean half, Layout layout) {

    /** The structures of the model family this generator can imitate. */
    public enum Layout {
        /** EMO: motion latents for the temporal layers, a speed encoder for the speed layers. */
        EMO,
        /**
         * Hallo: identity tokens from an image encoder and projection (unconditional half
         * {@code image_proj(zeros)}), two motion frames through the ReferenceNet per clip (the portrait
         * before the first), a vocal separator; no speed layers.
         */
        HALLO,
        /**
         * Hallo with its ReferenceNet run as Hallo runs it: once per clip on both guidance branches'
         * portrait and motion frames together ({@code "reference_batch": "joint"}), the identity tokens
         * of the two branches repeated over the six images by the graph itself
         * ({@code "reference_pairing": [0, 1, 0, 1, 0, 1]}), and both branches reading their own banks.
         */
        HALLO_JOINT,
        /** EchoMimic: whisper log-mel into the audio encoder, overlapping context windows, no motion frames. */
        ECHOMIMIC
    }

    /** Mel frames per whisper-style audio-encoder window here (whisper's own is 3000, 30 s). */
    static final int MEL_WINDOW = 300;

    /** Motion frames that go through the ReferenceNet in Hallo's layout. */
    static final int REFERENCE_MOTION = 2;
    static final int FACE_SIDE = 32;
    static final int EMBEDDING = 64;
    static final int IDENTITY_TOKENS = 4;
    static final int SPEED_DIM = 8;
    static final int SEPARATOR_CHUNK = 1024;
    static final int SEPARATOR_RATE = 16000;

    /**
     * A pack in EMO's layout, in float32 or with float16 tensors at the denoiser and VAE decoder.
     *
     * @param resolution   side of the face crop in pixels, a multiple of 64
     * @param clipFrames   frames per clip
     * @param motionFrames motion frames carried from clip to clip
     * @param audioDim     audio feature width
     * @param hidden       hidden channels of the denoiser
     * @param bankScale    bank widths as a fraction of Hallo's (320, 640, 1280, 1280)
     * @param seed         weight seed
     * @param half         whether the denoiser and the VAE decoder take and give float16 tensors
     */
    public SyntheticPack(int resolution, int clipFrames, int motionFrames, int audioDim, int hidden, double bankScale, long seed,
                         boolean half) {
        this(resolution, clipFrames, motionFrames, audioDim, hidden, bankScale, seed, half, Layout.EMO);
    }

    /**
     * The same sizes in another layout.
     *
     * @param l the layout
     * @return the pack
     */
    public SyntheticPack inLayout(Layout l) {
        return new SyntheticPack(resolution, clipFrames, motionFrames, audioDim, hidden, bankScale, seed, half, l);
    }

    /**
     * The same sizes in Hallo's layout.
     *
     * @return the pack
     */
    public SyntheticPack inHalloLayout() {
        return inLayout(Layout.HALLO);
    }

    private boolean hallo() {
        return layout == Layout.HALLO || layout == Layout.HALLO_JOINT;
    }

    private boolean joint() {
        return layout == Layout.HALLO_JOINT;
    }

    private boolean emo() {
        return layout == Layout.EMO;
    }

    static final int C = 4;
    static final int[] BANK_WIDTHS = {320, 640, 1280, 1280};
    static final int CHUNK = 320;
    static final int FACE_CHANNELS = 8;

    /**
     * A float32 pack in EMO's layout.
     *
     * @param resolution   side of the face crop in pixels, a multiple of 64
     * @param clipFrames   frames per clip
     * @param motionFrames motion frames carried from clip to clip
     * @param audioDim     audio feature width
     * @param hidden       hidden channels of the denoiser
     * @param bankScale    bank widths as a fraction of Hallo's (320, 640, 1280, 1280)
     * @param seed         weight seed
     */
    public SyntheticPack(int resolution, int clipFrames, int motionFrames, int audioDim, int hidden, double bankScale, long seed) {
        this(resolution, clipFrames, motionFrames, audioDim, hidden, bankScale, seed, false, Layout.EMO);
    }
    /**
     * Checks the fields.
     *
     * @param resolution   frame side in pixels (a multiple of 64)
     * @param clipFrames   frames per clip
     * @param motionFrames motion frames
     * @param audioDim     audio feature width
     * @param hidden       hidden channels of the denoiser
     * @param bankScale    bank widths as a fraction of Hallo's (320, 640, 1280, 1280)
     * @param seed         weight seed
     * @param half         whether the denoiser and the VAE decoder take and give float16 tensors, as an fp16 export does (their arithmetic stays float32 inside)
     * @param layout       which model's way of passing conditions the pack follows
     */
    public SyntheticPack {
        if (layout == null) {
            layout = Layout.EMO;
        }
        if (resolution % 64 != 0 || resolution < 64 || clipFrames < 1 || motionFrames < 1 || audioDim < 1 || hidden < 1
                || (layout == Layout.ECHOMIMIC && clipFrames < 3)) {
            throw new IllegalArgumentException("invalid synthetic pack size");
        }
    }

    /**
     * Writes the pack as a folder that {@code EmoPipeline.builder().pack(dir)} loads like any exported
     * pack.
     *
     * @param dir the folder, created if needed
     * @throws IOException if it cannot be written
     */
    public void writeTo(Path dir) throws IOException {
        source().writeTo(dir);
    }

    /**
     * Writes the pack as a folder, with {@code extraSettings} added to (or replacing) its manifest's
     * settings.
     *
     * @param dir           the folder, created if needed
     * @param extraSettings manifest settings by key
     * @throws IOException if it cannot be written
     */
    public void writeTo(Path dir, Map<String, Object> extraSettings) throws IOException {
        source(extraSettings).writeTo(dir);
    }

    /**
     * Side of a latent frame: the resolution over the VAE's 8.
     *
     * @return the latent side
     */
    public int latent() {
        return resolution / 8;
    }

    int bankWidth(int l) {
        return Math.max(1, (int) Math.round(BANK_WIDTHS[l] * bankScale));
    }

    /**
     * The pack in memory, for emo4j's own tests, which load it directly; pack authors use {@link #writeTo}.
     *
     * @return the pack's files and manifest
     */
    public MemoryPackSource source() {
        return source(Map.of());
    }

    /**
     * The pack in memory with {@code extraSettings} added to (or replacing) its manifest's settings.
     *
     * @param extraSettings manifest settings by key
     * @return the pack's files and manifest
     */
    public MemoryPackSource source(Map<String, Object> extraSettings) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Random rnd = new Random(seed);
        files.put("vae_encoder.onnx", vaeEncoder(rnd));
        files.put("vae_decoder.onnx", vaeDecoder(rnd));
        files.put("audio_encoder.onnx", layout == Layout.ECHOMIMIC ? whisperAudioEncoder(rnd) : audioEncoder(rnd));
        files.put("reference_net.onnx", referenceNet(rnd));
        files.put("face_locator.onnx", faceLocator(rnd));
        files.put("audio_projection.onnx", audioProjection(rnd));
        files.put("denoising_unet.onnx", unet(rnd));
        if (hallo()) {
            files.put("image_encoder.onnx", imageEncoder(rnd));
            files.put("image_projection.onnx", imageProjection(rnd));
            files.put("vocal_separator.onnx", vocalSeparator(rnd));
        } else if (emo()) {
            files.put("speed_encoder.onnx", speedEncoder(rnd));
        }
        return new MemoryPackSource("synthetic:" + resolution + "px", manifest(extraSettings), files);
    }

    private String manifest(Map<String, Object> extraSettings) {
        int r = resolution, h = latent();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("resolution", (double) r);
        settings.put("latent_channels", (double) C);
        settings.put("latent_downsample", 8.0);
        settings.put("clip_frames", (double) clipFrames);
        settings.put("motion_frames", (double) motionFrames);
        settings.put("audio_window", 2.0);
        settings.put("audio_sample_rate", 16000.0);
        settings.put("audio_chunk_samples", (double) CHUNK);
        settings.put("audio_feature_dim", (double) audioDim);
        settings.put("fps", 25.0);
        settings.put("default_steps", 4.0);
        settings.put("default_guidance", 3.5);
        if (hallo()) {
            settings.put("reference_motion_frames", (double) REFERENCE_MOTION);
            settings.put("first_motion", "reference");
            settings.put("separator_sample_rate", (double) SEPARATOR_RATE);
        }
        if (joint()) {
            settings.put("reference_batch", "joint");
            settings.put("reference_pairing", List.of(0.0, 1.0, 0.0, 1.0, 0.0, 1.0));
        }
        if (layout == Layout.ECHOMIMIC) {
            settings.put("audio_input", "whisper-logmel-80");
            settings.put("context_overlap", 2.0);
        }
        settings.putAll(extraSettings);
        Map<String, Object> comps = new LinkedHashMap<>();
        comps.put("vae_encoder", component("vae_encoder.onnx", List.of(tensor("pixels", "batch", 3, r, r)), List.of(tensor("latents", "batch", C, h, h))));
        comps.put("vae_decoder", component("vae_decoder.onnx", List.of(h16(tensor("latents", "batch", C, h, h))),
                List.of(h16(tensor("pixels", "batch", 3, r, r)))));
        comps.put("audio_encoder", layout == Layout.ECHOMIMIC
                ? component("audio_encoder.onnx", List.of(tensor("audio", "windows", 80, MEL_WINDOW)),
                        List.of(tensor("audio_features", "windows", MEL_WINDOW / 2, audioDim)))
                : component("audio_encoder.onnx", List.of(tensor("audio", "chunks", CHUNK)), List.of(tensor("audio_features", "chunks", audioDim))));
        List<Object> banks = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            int side = h >> l;
            banks.add(tensor("reference_bank_" + l, hallo() ? "items" : 1, side * side, bankWidth(l)));
        }
        List<Object> refIn = new ArrayList<>();
        refIn.add(tensor("reference_latents", hallo() ? "items" : 1, C, h, h));
        if (hallo()) {
            // Hallo's reference UNet attends to the identity tokens, batched for guidance
            Map<String, Object> tokens = tensor("face_tokens", joint() ? 2 : "batch", IDENTITY_TOKENS, tokenDim());
            tokens.put("uncond", "zero_input");
            refIn.add(tokens);
            comps.put("image_encoder", component("image_encoder.onnx", List.of(tensor("face_image", 1, 3, FACE_SIDE, FACE_SIDE)),
                    List.of(tensor("face_embedding", 1, EMBEDDING))));
            comps.put("image_projection", component("image_projection.onnx", List.of(tensor("face_embedding", 1, EMBEDDING)),
                    List.of(tensor("face_tokens", 1, IDENTITY_TOKENS, tokenDim()))));
            comps.put("vocal_separator", component("vocal_separator.onnx", List.of(tensor("mixture", 1, 2, SEPARATOR_CHUNK)),
                    List.of(tensor("vocals", 1, 2, SEPARATOR_CHUNK))));
        } else if (emo()) {
            comps.put("speed_encoder", component("speed_encoder.onnx", List.of(tensor("head_speed", "frames")),
                    List.of(tensor("speed_embedding", "frames", SPEED_DIM))));
        }
        comps.put("reference_net", component("reference_net.onnx", refIn, banks));
        comps.put("face_locator", component("face_locator.onnx", List.of(tensor("face_mask", 1, 1, r, r)),
                List.of(tensor("mask_features", 1, FACE_CHANNELS, h, h))));
        comps.put("audio_projection", component("audio_projection.onnx", List.of(tensor("audio_windows", 1, clipFrames, 5, audioDim)),
                List.of(tensor("audio_embedding", 1, clipFrames, 5, tokenDim()))));
        List<Object> in = new ArrayList<>();
        in.add(h16(tensor("sample", "batch", C, "frames", h, h)));
        in.add(tensorOf("timestep", "int64", 1));
        for (int l = 0; l < 4; l++) {
            int side = h >> l;
            // banks are batched for guidance: absent in the unconditional branch, present with reference only
            Map<String, Object> bank = h16(tensor("reference_bank_" + l, hallo() ? "bank_items" : "batch", side * side, bankWidth(l)));
            if (!joint()) {
                bank.put("uncond", "zeros");
                bank.put("condition", "reference");
            }
            in.add(bank);
        }
        Map<String, Object> mf = h16(tensor("mask_features", "batch", FACE_CHANNELS, h, h));
        mf.put("uncond", "zeros");
        in.add(mf);
        Map<String, Object> tokens = h16(tensor("audio_embedding", "batch", "frames", 5, tokenDim()));
        tokens.put("uncond", "zeros");
        in.add(tokens);
        if (hallo()) {
            Map<String, Object> tokensIn = h16(tensor("face_tokens", "batch", IDENTITY_TOKENS, tokenDim()));
            tokensIn.put("uncond", "zero_input");
            in.add(tokensIn);
        } else if (emo()) {
            in.add(h16(tensor("motion_latents", 1, C, motionFrames, h, h)));
            in.add(h16(tensor("speed_embedding", "frames", SPEED_DIM)));
        }
        in.add(h16(tensor("full_mask_0", "batch_frames", h * h)));
        in.add(h16(tensor("lip_mask_1", "batch_frames", (h / 2) * (h / 2))));
        in.add(h16(tensor("motion_scale", 3)));
        comps.put("denoising_unet", component("denoising_unet.onnx", in, List.of(h16(tensor("noise_pred", "batch", C, "frames", h, h)))));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", PackManifest.FORMAT);
        m.put("name", "synthetic");
        m.put("description", "Random weights with an EMO-class structure, for tests and benchmarks.");
        m.put("settings", settings);
        m.put("scheduler", ProceduralPack.schedulerConfig());
        m.put("components", comps);
        return Json.write(m);
    }

    /** The tensor declared float16 when the pack is half precision. */
    private Map<String, Object> h16(Map<String, Object> t) {
        if (half) {
            t.put("dtype", "float16");
        }
        return t;
    }

    /** A float input, declared float16 in a half pack and cast to float inside. */
    private String in(GraphBuilder g, String name, Object... dims) {
        if (!half) {
            return g.input(name, TensorType.FLOAT, dims);
        }
        g.input(name, TensorType.FLOAT16, dims);
        return g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())), name);
    }

    /** Names the float value {@code v} as output {@code name}, cast to float16 in a half pack. */
    private void out(GraphBuilder g, String name, String op, List<Attr> attrs, String[] args, Object... dims) {
        if (!half) {
            g.opNamed(name, op, attrs, args);
            g.output(name, TensorType.FLOAT, dims);
            return;
        }
        String v = g.op(op, attrs, args);
        g.opNamed(name, "Cast", List.of(Attr.of("to", (long) TensorType.FLOAT16.code())), v);
        g.output(name, TensorType.FLOAT16, dims);
    }




    private static List<Attr> conv(long k, long stride, long pad, int dims) {
        long[] ks = new long[dims], ss = new long[dims], ps = new long[2 * dims];
        for (int i = 0; i < dims; i++) {
            ks[i] = k;
            ss[i] = stride;
            ps[i] = pad;
            ps[dims + i] = pad;
        }
        return List.of(Attr.ints("kernel_shape", ks), Attr.ints("strides", ss), Attr.ints("pads", ps));
    }

    private byte[] vaeEncoder(Random rnd) {
        int r = resolution, h = latent();
        GraphBuilder g = new GraphBuilder("vae_encoder");
        String x = g.input("pixels", TensorType.FLOAT, "batch", 3, r, r);
        g.opNamed("latents", "Conv", conv(8, 8, 0, 2), x, g.random(rnd, 1 / Math.sqrt(192), C, 3, 8, 8));
        g.output("latents", TensorType.FLOAT, "batch", C, h, h);
        return g.build();
    }

    /**
     * Smooth frames, as a learned decoder's are: the latents are enlarged bilinearly and mixed to RGB
     * around mid-grey. (An 8×8 transposed convolution of random weights would draw block noise that
     * changes every frame, the costliest possible input for the H.264 encoder, and make benchmarks
     * measure that instead of the pipeline.)
     */
    private byte[] vaeDecoder(Random rnd) {
        int r = resolution, h = latent();
        GraphBuilder g = new GraphBuilder("vae_decoder");
        String z = in(g, "latents", "batch", C, h, h);
        String up = g.op("Resize", List.of(Attr.of("mode", "linear")), z, "",
                g.constant(new float[] {1, 1, 8, 8}, 4));
        String rgb = g.op("Conv", conv(1, 1, 0, 2), up, g.random(rnd, 0.15, 3, C, 1, 1));
        out(g, "pixels", "Sigmoid", List.of(), new String[] {rgb}, "batch", 3, r, r);
        return g.build();
    }

    private byte[] audioEncoder(Random rnd) {
        return audioEncoder(rnd, audioDim);
    }

    /** Each 20 ms chunk to {@code audioDim} features: one random projection and a tanh. */
    static byte[] audioEncoder(Random rnd, int audioDim) {
        GraphBuilder g = new GraphBuilder("audio_encoder");
        String a = g.input("audio", TensorType.FLOAT, "chunks", CHUNK);
        g.opNamed("audio_features", "Tanh", List.of(), g.op("MatMul", a, g.random(rnd, 1 / Math.sqrt(CHUNK), CHUNK, audioDim)));
        g.output("audio_features", TensorType.FLOAT, "chunks", audioDim);
        return g.build();
    }

    /** EchoMimic's kind of audio encoder, in miniature: 80 × N log-mel windows to N/2 features of each. */
    private byte[] whisperAudioEncoder(Random rnd) {
        GraphBuilder g = new GraphBuilder("audio_encoder");
        String a = g.input("audio", TensorType.FLOAT, "windows", 80, MEL_WINDOW);
        // pairs of mel frames averaged (whisper's encoder halves the frame rate too), then projected
        String pairs = g.op("ReduceMean", List.of(Attr.ints("axes", 3), Attr.of("keepdims", 0)),
                g.op("Reshape", a, g.longs(-1, 80, MEL_WINDOW / 2, 2)));
        String t = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1)), pairs);
        g.opNamed("audio_features", "Tanh", List.of(), g.op("MatMul", t, g.random(rnd, 0.3, 80, audioDim)));
        g.output("audio_features", TensorType.FLOAT, "windows", MEL_WINDOW / 2, audioDim);
        return g.build();
    }

    /** Width of the projected audio tokens. */
    int tokenDim() {
        return 2 * audioDim;
    }

    private byte[] audioProjection(Random rnd) {
        GraphBuilder g = new GraphBuilder("audio_projection");
        String w = g.input("audio_windows", TensorType.FLOAT, 1, clipFrames, 5, audioDim);
        g.opNamed("audio_embedding", "Tanh", List.of(), g.op("MatMul", w, g.random(rnd, 1 / Math.sqrt(audioDim), audioDim, tokenDim())));
        g.output("audio_embedding", TensorType.FLOAT, 1, clipFrames, 5, tokenDim());
        return g.build();
    }

    private byte[] referenceNet(Random rnd) {
        int h = latent();
        GraphBuilder g = new GraphBuilder("reference_net");
        String x = g.input("reference_latents", TensorType.FLOAT, hallo() ? "items" : 1, C, h, h);
        String identity = null;
        if (joint()) {
            // Hallo's pairing: the token sets repeated over the images, items // sets times; each image's own mean token
            String tokens = g.input("face_tokens", TensorType.FLOAT, 2, IDENTITY_TOKENS, tokenDim());
            String reps = g.op("Div", g.op("Slice", g.op("Shape", x), g.longs(0), g.longs(1), g.longs(0)),
                    g.op("Slice", g.op("Shape", tokens), g.longs(0), g.longs(1), g.longs(0)));
            String tiled = g.op("Tile", tokens, g.op("Concat", List.of(Attr.of("axis", 0)), reps, g.longs(1, 1)));
            identity = g.op("Unsqueeze", g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 0)), tiled),
                    g.longs(1));
        } else if (hallo()) {
            // Hallo: every item also sees the identity tokens (their mean over branches and tokens)
            identity = g.op("ReduceMean", List.of(Attr.ints("axes", 0, 1), Attr.of("keepdims", 0)),
                    g.input("face_tokens", TensorType.FLOAT, "batch", IDENTITY_TOKENS, tokenDim()));
        }
        for (int l = 0; l < 4; l++) {
            int side = h >> l, w = bankWidth(l);
            String pooled = l == 0 ? x : g.op("AveragePool", List.of(Attr.ints("kernel_shape", 1L << l, 1L << l),
                    Attr.ints("strides", 1L << l, 1L << l)), x);
            String feat = g.op("Conv", conv(1, 1, 0, 2), pooled, g.random(rnd, 0.5, w, C, 1, 1));
            String flat = g.op("Reshape", feat, g.longs(hallo() ? -1 : 1, w, (long) side * side));
            if (!hallo()) {
                g.opNamed("reference_bank_" + l, "Transpose", List.of(Attr.ints("perm", 0, 2, 1)), flat);
            } else {
                String bank = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1)), flat);
                String bias = g.op("MatMul", identity, g.random(rnd, 1 / Math.sqrt(tokenDim()), tokenDim(), w));
                g.opNamed("reference_bank_" + l, "Add", List.of(), bank, bias);
            }
            g.output("reference_bank_" + l, TensorType.FLOAT, hallo() ? "items" : 1, side * side, w);
        }
        return g.build();
    }

    /** Hallo's identity embedding, in miniature: the face pooled to 4×4 and projected. */
    private byte[] imageEncoder(Random rnd) {
        GraphBuilder g = new GraphBuilder("image_encoder");
        String x = g.input("face_image", TensorType.FLOAT, 1, 3, FACE_SIDE, FACE_SIDE);
        int k = FACE_SIDE / 4;
        String pooled = g.op("AveragePool", List.of(Attr.ints("kernel_shape", k, k), Attr.ints("strides", k, k)), x);
        String flat = g.op("Reshape", pooled, g.longs(1, 48));
        g.opNamed("face_embedding", "Tanh", List.of(), g.op("MatMul", flat, g.random(rnd, 0.3, 48, EMBEDDING)));
        g.output("face_embedding", TensorType.FLOAT, 1, EMBEDDING);
        return g.build();
    }

    /** Embedding to identity tokens, with a bias, so that zeros do not project to zeros (as in Hallo). */
    private byte[] imageProjection(Random rnd) {
        GraphBuilder g = new GraphBuilder("image_projection");
        String e = g.input("face_embedding", TensorType.FLOAT, 1, EMBEDDING);
        String p = g.op("Add", g.op("MatMul", e, g.random(rnd, 1 / Math.sqrt(EMBEDDING), EMBEDDING, IDENTITY_TOKENS * tokenDim())),
                g.random(rnd, 0.5, IDENTITY_TOKENS * tokenDim()));
        g.opNamed("face_tokens", "Reshape", List.of(), p, g.longs(1, IDENTITY_TOKENS, tokenDim()));
        g.output("face_tokens", TensorType.FLOAT, 1, IDENTITY_TOKENS, tokenDim());
        return g.build();
    }

    /** EMO's speed layers' input: each frame's speed mapped to a small embedding. */
    private byte[] speedEncoder(Random rnd) {
        GraphBuilder g = new GraphBuilder("speed_encoder");
        String sp = g.input("head_speed", TensorType.FLOAT, "frames");
        String col = g.op("Unsqueeze", sp, g.longs(1));
        g.opNamed("speed_embedding", "Sin", List.of(), g.op("MatMul", col, g.random(rnd, 1.0, 1, SPEED_DIM)));
        g.output("speed_embedding", TensorType.FLOAT, "frames", SPEED_DIM);
        return g.build();
    }

    /**
     * A stand-in separator that keeps half of each channel: the voice of the test signals is all
     * there is, and a known gain makes the chunked overlap-add checkable.
     */
    private byte[] vocalSeparator(Random rnd) {
        GraphBuilder g = new GraphBuilder("vocal_separator");
        String m = g.input("mixture", TensorType.FLOAT, 1, 2, SEPARATOR_CHUNK);
        g.opNamed("vocals", "Mul", List.of(), m, g.scalar(0.5f));
        g.output("vocals", TensorType.FLOAT, 1, 2, SEPARATOR_CHUNK);
        return g.build();
    }

    private byte[] faceLocator(Random rnd) {
        int r = resolution, h = latent();
        GraphBuilder g = new GraphBuilder("face_locator");
        String m = g.input("face_mask", TensorType.FLOAT, 1, 1, r, r);
        g.opNamed("mask_features", "Conv", conv(8, 8, 0, 2), m, g.random(rnd, 1 / 8.0, FACE_CHANNELS, 1, 8, 8));
        g.output("mask_features", TensorType.FLOAT, 1, FACE_CHANNELS, h, h);
        return g.build();
    }

    private byte[] unet(Random rnd) {
        int h = latent(), hc = hidden;
        GraphBuilder g = new GraphBuilder("denoising_unet");
        String sample = in(g, "sample", "batch", C, "frames", h, h);
        String timestep = g.input("timestep", TensorType.INT64, 1);
        List<String> banks = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            int side = h >> l;
            banks.add(in(g, "reference_bank_" + l, hallo() ? "bank_items" : "batch", side * side, bankWidth(l)));
        }
        String maskFeat = in(g, "mask_features", "batch", FACE_CHANNELS, h, h);
        String audio = in(g, "audio_embedding", "batch", "frames", 5, tokenDim());
        String tokens = hallo() ? in(g, "face_tokens", "batch", IDENTITY_TOKENS, tokenDim()) : null;
        String motion = emo() ? in(g, "motion_latents", 1, C, motionFrames, h, h) : null;
        String speed = emo() ? in(g, "speed_embedding", "frames", SPEED_DIM) : null;
        String full = in(g, "full_mask_0", "batch_frames", h * h);
        String lip = in(g, "lip_mask_1", "batch_frames", (h / 2) * (h / 2));
        String scale = in(g, "motion_scale", 3);
        List<Attr> spatial = List.of(Attr.ints("kernel_shape", 1, 3, 3), Attr.ints("pads", 0, 1, 1, 0, 1, 1));
        String x = g.op("Tanh", g.op("Conv", spatial, sample, g.random(rnd, 1 / Math.sqrt(C * 9.0), hc, C, 1, 3, 3)));
        // reference: each bank's mean token projected to a per-channel bias
        for (int l = 0; l < 4; l++) {
            String mean = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 0)), banks.get(l));
            if (hallo()) {
                // per branch: the portrait's and the motion frames' features together
                mean = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 0)),
                        g.op("Reshape", mean, g.longs(-1, 1 + REFERENCE_MOTION, bankWidth(l))));
            }
            String proj = g.op("MatMul", mean, g.random(rnd, 1 / Math.sqrt(bankWidth(l)), bankWidth(l), hc));
            x = g.op("Add", x, g.op("Reshape", proj, g.longs(-1, hc, 1, 1, 1)));
        }
        // audio: the window's mean feature per frame, projected per channel
        String am = g.op("ReduceMean", List.of(Attr.ints("axes", 2), Attr.of("keepdims", 0)), audio);
        String ap = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1)), g.op("MatMul", am, g.random(rnd, 1 / Math.sqrt(tokenDim()), tokenDim(), hc)));
        x = g.op("Add", x, g.op("Unsqueeze", g.op("Unsqueeze", ap, g.longs(3)), g.longs(4)));
        // face locator features, per pixel
        String mf = g.op("Conv", conv(1, 1, 0, 2), maskFeat, g.random(rnd, 0.3, hc, FACE_CHANNELS, 1, 1));
        x = g.op("Add", x, g.op("Unsqueeze", mf, g.longs(2)));
        if (hallo()) {
            // identity tokens: their mean per branch, projected per channel
            String tm = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 0)), tokens);
            String tp = g.op("MatMul", tm, g.random(rnd, 1 / Math.sqrt(tokenDim()), tokenDim(), hc));
            x = g.op("Add", x, g.op("Reshape", tp, g.longs(-1, hc, 1, 1, 1)));
        } else if (emo()) {
            // motion frames: their mean, per pixel
            String mm = g.op("ReduceMean", List.of(Attr.ints("axes", 2), Attr.of("keepdims", 1)), motion);
            x = g.op("Add", x, g.op("Conv", conv(1, 1, 0, 3), mm, g.random(rnd, 0.3, hc, C, 1, 1, 1)));
        }
        // masks, timestep and motion scale as global biases
        String bias = g.op("Add", g.op("ReduceMean", List.of(Attr.of("keepdims", 0)), full),
                g.op("ReduceMean", List.of(Attr.of("keepdims", 0)), lip));
        bias = g.op("Add", bias, g.op("Mul", g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())),
                g.op("Reshape", timestep, g.longs())), g.scalar(1e-3f)));
        bias = g.op("Add", bias, g.op("ReduceSum", List.of(Attr.of("keepdims", 0)), scale));
        x = g.op("Add", x, g.op("Mul", bias, g.scalar(0.01f)));
        if (emo()) {
            // speed layers: the speed embedding per frame, as a per-frame, per-channel bias
            String sp = g.op("MatMul", speed, g.random(rnd, 0.5, SPEED_DIM, hc));
            x = g.op("Add", x, g.op("Unsqueeze", g.op("Unsqueeze", g.op("Transpose", List.of(Attr.ints("perm", 1, 0)), sp),
                    g.longs(0)), g.longs(3, 4)));
        }
        x = g.op("Tanh", g.op("Conv", spatial, x, g.random(rnd, 1 / Math.sqrt(hc * 9.0), hc, hc, 1, 3, 3)));
        out(g, "noise_pred", "Conv", conv(1, 1, 0, 3), new String[] {x, g.random(rnd, 1 / Math.sqrt(hc), C, hc, 1, 1, 1)},
                "batch", C, "frames", h, h);
        return g.build();
    }
}
