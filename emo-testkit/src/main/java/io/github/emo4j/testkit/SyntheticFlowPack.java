package io.github.emo4j.testkit;

import static io.github.emo4j.pack.ManifestEntries.component;
import static io.github.emo4j.pack.ManifestEntries.tensor;
import static io.github.emo4j.pack.ManifestEntries.tensorOf;

import io.github.emo4j.Npy;
import io.github.emo4j.onnx.GraphBuilder.Attr;
import io.github.emo4j.onnx.GraphBuilder;
import io.github.emo4j.onnx.TensorType;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.MemoryPackSource;
import io.github.emo4j.pack.PackManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random-weight pack in the flow layout at Wan2.2-S2V's tensor sizes per latent: a causal 3-D VAE of
 * 16 channels and stride 4 × 8 × 8 (frame 0 alone through a 2-D convolution, then four frames a latent
 * through a 3-D one; decoded by a trilinear enlargement mixed to RGB, so frames are smooth, as a learned
 * decoder's are), an audio encoder, and a denoiser of 3-D convolutions over the latents whose cost grows
 * with its hidden width, conditioned on the portrait's latent, the motion latents and the audio windows.
 * Its output is meaningless; its shapes and cost are real, for benchmarks and contract tests.
 *
 * @param resolution   frame side in pixels, a multiple of 64
 * @param clipFrames   frames a clip, a multiple of 4
 * @param motionFrames motion frames, 4k + 1
 * @param audioDim     audio feature width
 * @param hidden       hidden channels of the denoiser
 * @param seed         weight seed
 * @param textTokens   tokens of the stored prompt embeddings the denoiser takes as {@code text_context}
 *                     (32 wide; a negative prompt's too), or 0 for none
 * @param chunkedVae   the VAE in chunks of one latent frame ({@code vae_encoder_first}, {@code vae_decoder_first})
 * @param text         whether the text context comes from stored embeddings, a text encoder, or both
 */
public record SyntheticFlowPack(int resolution, int clipFrames, int motionFrames, int audioDim, int hidden, long seed,
                                int textTokens, boolean chunkedVae, Text text) {

    /** Where a pack's text context comes from. */
    public enum Text {
        /** Prompt embeddings stored in the pack. */
        STORED,
        /** A text encoder and its tokenizer: a render's prompt is encoded as it starts. */
        ENCODED,
        /** Both: the stored embeddings serve renders that give no prompt. */
        BOTH
    }

    /** Ids the text encoder's embedding table has rows for: the tiny tokenizer's vocabulary. */
    public static final int TEXT_VOCABULARY = 16;
    /** Width of the stored prompt embeddings' tokens. */
    public static final int TEXT_WIDTH = 32;
    static final int C = 16;
    private static final int WINDOW = 5;

    /**
     * A pack without prompt embeddings.
     *
     * @param resolution   frame side in pixels, a multiple of 64
     * @param clipFrames   frames a clip, a multiple of 4
     * @param motionFrames motion frames, 4k + 1
     * @param audioDim     audio feature width
     * @param hidden       hidden channels of the denoiser
     * @param seed         weight seed
     */
    public SyntheticFlowPack(int resolution, int clipFrames, int motionFrames, int audioDim, int hidden, long seed) {
        this(resolution, clipFrames, motionFrames, audioDim, hidden, seed, 0, false, Text.STORED);
    }

    /**
     * A pack with prompt embeddings and its VAE whole.
     *
     * @param resolution   frame side in pixels, a multiple of 64
     * @param clipFrames   frames a clip, a multiple of 4
     * @param motionFrames motion frames, 4k + 1
     * @param audioDim     audio feature width
     * @param hidden       hidden channels of the denoiser
     * @param seed         weight seed
     * @param textTokens   tokens of the stored prompt embeddings, or 0
     */
    public SyntheticFlowPack(int resolution, int clipFrames, int motionFrames, int audioDim, int hidden, long seed,
                             int textTokens) {
        this(resolution, clipFrames, motionFrames, audioDim, hidden, seed, textTokens, false, Text.STORED);
    }

    /**
     * This pack with its VAE in chunks of one latent frame, as an export of Wan's VAE runs: each later chunk
     * takes the previous chunk's last frame (encoder) or latent frame (decoder) as its cache.
     *
     * @return the same pack, its VAE in four graphs
     */
    public SyntheticFlowPack withChunkedVae() {
        return new SyntheticFlowPack(resolution, clipFrames, motionFrames, audioDim, hidden, seed, textTokens, true, text);
    }

    /**
     * This pack with a text encoder (an embedding table over the tokens, each row then offset by the
     * prompt's mean row, so that the rows past its tokens are not zero until the pipeline zeroes them) and
     * a tiny Unigram tokenizer.json of Hugging Face's format: ids 4, 5, 8 for "a person talking", then
     * {@code </s>} (1) and padding (0). Its settings clean prompts as Wan does, with the default prompt
     * "a person talking" and the negative "blurry".
     *
     * @param alsoStored whether the stored prompt embeddings stay, for renders that give no prompt
     * @return the same pack with a text encoder
     * @throws IllegalStateException for a pack whose denoiser takes no text
     */
    public SyntheticFlowPack withTextEncoder(boolean alsoStored) {
        if (textTokens == 0) {
            throw new IllegalStateException("a text encoder feeds a denoiser that takes text: give textTokens");
        }
        return new SyntheticFlowPack(resolution, clipFrames, motionFrames, audioDim, hidden, seed, textTokens, chunkedVae,
                alsoStored ? Text.BOTH : Text.ENCODED);
    }

    /**
     * Checks the sizes the flow family asks for.
     *
     * @param resolution   frame side in pixels, a multiple of 64
     * @param clipFrames   frames a clip, a multiple of 4
     * @param motionFrames motion frames, 4k + 1
     * @param audioDim     audio feature width
     * @param hidden       hidden channels of the denoiser
     * @param seed         weight seed
     * @param textTokens   tokens of the stored prompt embeddings, or 0
     * @param chunkedVae   the VAE in chunks of one latent frame ({@code vae_encoder_first}, {@code vae_decoder_first})
     * @param text         where the text context comes from
     */
    public SyntheticFlowPack {
        if (resolution % 64 != 0 || clipFrames % 4 != 0 || motionFrames % 4 != 1 || hidden < 1) {
            throw new IllegalArgumentException("resolution a multiple of 64, clips a multiple of 4, motion frames 4k + 1");
        }
    }

    private int latent() {
        return resolution / 8;
    }

    /**
     * The pack as an in-memory source.
     *
     * @return the manifest and the generated graphs
     */
    public MemoryPackSource source() {
        return source(false);
    }

    /**
     * The pack with a decoder whose every value is NaN, as a broken export's can be: a render must stop at
     * the first clip, name the decoder's output and write nothing.
     *
     * @return the manifest and the generated graphs, the decoder's output NaN
     * @throws IllegalStateException for a pack with its VAE in chunks
     */
    public MemoryPackSource sourceWithNaNDecoder() {
        if (chunkedVae) {
            throw new IllegalStateException("a NaN decoder is made for a pack with its VAE whole");
        }
        return source(true);
    }

    private MemoryPackSource source(boolean nanDecoder) {
        Random rnd = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (chunkedVae) {
            files.put("vae_encoder_first.onnx", vaeEncoderChunk(rnd, true));
            files.put("vae_encoder.onnx", vaeEncoderChunk(rnd, false));
            files.put("vae_decoder_first.onnx", vaeDecoderChunk(rnd, true));
            files.put("vae_decoder.onnx", vaeDecoderChunk(rnd, false));
        } else {
            files.put("vae_encoder.onnx", vaeEncoder(rnd));
            files.put("vae_decoder.onnx", vaeDecoder(rnd, nanDecoder));
        }
        files.put("audio_encoder.onnx", SyntheticPack.audioEncoder(rnd, audioDim));
        files.put("denoiser.onnx", denoiser(rnd));
        if (textTokens > 0 && text != Text.ENCODED) {
            files.put("prompt.npy", embeddings(rnd));
            files.put("negative_prompt.npy", embeddings(rnd));
        }
        if (textTokens > 0 && text != Text.STORED) {
            files.put("text_encoder.onnx", textEncoder(rnd));
            files.put("tokenizer.json", tokenizer());
        }
        return new MemoryPackSource("synthetic-flow", manifest(), files);
    }

    /**
     * A text encoder: each id's row of a random table, masked, plus the masked rows' mean, so that every
     * row depends on the whole prompt (as a transformer's do) and the padding's rows are not zero.
     */
    private byte[] textEncoder(Random rnd) {
        GraphBuilder g = new GraphBuilder("synthetic_text_encoder");
        String ids = g.input("input_ids", TensorType.INT64, 1, textTokens);
        String mask = g.input("attention_mask", TensorType.INT64, 1, textTokens);
        String rows = g.op("Gather", g.random(rnd, 1.0, TEXT_VOCABULARY, TEXT_WIDTH), ids);
        String m = g.op("Unsqueeze", g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())), mask), g.longs(2));
        String masked = g.op("Mul", rows, m);
        String mean = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 1)), masked);
        g.opNamed("text_context", "Add", List.of(), masked, mean);
        g.output("text_context", TensorType.FLOAT, 1, textTokens, TEXT_WIDTH);
        return g.build();
    }

    /** The tiny Unigram tokenizer.json (emo-testkit's own, written for these tests). */
    private static byte[] tokenizer() {
        try (var in = SyntheticFlowPack.class.getResourceAsStream("tiny-unigram-tokenizer.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Random prompt embeddings, as a text encoder's output is stored: {@code [1, L, D]} float32. */
    private byte[] embeddings(Random rnd) {
        float[] v = new float[textTokens * TEXT_WIDTH];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, new long[] {1, textTokens, TEXT_WIDTH}, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private String manifest() {
        int r = resolution, h = latent(), motionLatents = 1 + (motionFrames - 1) / 4;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("resolution", (double) r);
        settings.put("latent_channels", (double) C);
        settings.put("latent_downsample", 8.0);
        settings.put("clip_frames", (double) clipFrames);
        settings.put("motion_frames", (double) motionFrames);
        settings.put("audio_window", (double) (WINDOW / 2));
        settings.put("audio_sample_rate", 16000.0);
        settings.put("audio_chunk_samples", (double) SyntheticPack.CHUNK);
        settings.put("audio_feature_dim", (double) audioDim);
        settings.put("fps", 16.0);
        settings.put("default_steps", 40.0);
        settings.put("default_guidance", 4.5);
        if (textTokens > 0 && text != Text.ENCODED) {
            settings.put("text_context", "prompt.npy");
            settings.put("negative_text_context", "negative_prompt.npy");
        }
        if (textTokens > 0 && text != Text.STORED) {
            settings.put("tokenizer", "tokenizer.json");
            settings.put("prompt_cleaning", "whitespace");
            settings.put("prompt", "a person talking");
            settings.put("negative_prompt", "blurry");
        }
        Map<String, Object> sched = new LinkedHashMap<>();
        sched.put("_class_name", "FlowUniPCMultistepScheduler");
        sched.put("num_train_timesteps", 1000.0);
        sched.put("shift", 1.0);
        sched.put("sample_shift", 3.0);
        Map<String, Object> comps = new LinkedHashMap<>();
        if (chunkedVae) {
            Object frame = tensor("pixels", 1, 3, 1, r, r), four = tensor("pixels", 1, 3, 4, r, r);
            Object latent = tensor("latents", 1, C, 1, h, h);
            comps.put("vae_encoder_first", component("vae_encoder_first.onnx", List.of(frame),
                    List.of(latent, tensor("last_frame_next", 1, 3, 1, r, r))));
            comps.put("vae_encoder", component("vae_encoder.onnx", List.of(four, tensor("last_frame", 1, 3, 1, r, r)),
                    List.of(latent, tensor("last_frame_next", 1, 3, 1, r, r))));
            comps.put("vae_decoder_first", component("vae_decoder_first.onnx", List.of(latent),
                    List.of(frame, tensor("previous_next", 1, C, 1, h, h))));
            comps.put("vae_decoder", component("vae_decoder.onnx", List.of(latent, tensor("previous", 1, C, 1, h, h)),
                    List.of(four, tensor("previous_next", 1, C, 1, h, h))));
        } else {
            comps.put("vae_encoder", component("vae_encoder.onnx", List.of(tensor("pixels", 1, 3, "frames", r, r)),
                    List.of(tensor("latents", 1, C, "latent_frames", h, h))));
            comps.put("vae_decoder", component("vae_decoder.onnx", List.of(tensor("latents", 1, C, "latent_frames", h, h)),
                    List.of(tensor("pixels", 1, 3, "frames", r, r))));
        }
        comps.put("audio_encoder", component("audio_encoder.onnx", List.of(tensor("audio", "chunks", SyntheticPack.CHUNK)),
                List.of(tensor("audio_features", "chunks", audioDim))));
        List<Object> in = new ArrayList<>(List.of(
                tensor("sample", "batch", C, "latent_frames", h, h),
                tensorOf("timestep", "int64", 1),
                tensor("reference_latents", 1, C, 1, h, h),
                tensor("motion_latents", 1, C, motionLatents, h, h),
                tensor("audio_windows", "batch", "frames", WINDOW, audioDim)));
        if (textTokens > 0) {
            in.add(tensor("text_context", "batch", textTokens, TEXT_WIDTH));
        }
        comps.put("denoising_unet", component("denoiser.onnx", in,
                List.of(tensor("noise_pred", "batch", C, "latent_frames", h, h))));
        if (textTokens > 0 && text != Text.STORED) {
            comps.put("text_encoder", component("text_encoder.onnx",
                    List.of(tensorOf("input_ids", "int64", 1, textTokens), tensorOf("attention_mask", "int64", 1, textTokens)),
                    List.of(tensor("text_context", 1, textTokens, TEXT_WIDTH))));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", PackManifest.FORMAT);
        m.put("name", "synthetic-flow");
        m.put("family", "flow");
        m.put("settings", settings);
        m.put("scheduler", sched);
        m.put("components", comps);
        return Json.write(m);
    }

    private static List<Attr> conv(long[] k) {
        long[] pads = new long[2 * k.length];
        return List.of(Attr.ints("kernel_shape", k), Attr.ints("strides", k), Attr.ints("pads", pads));
    }

    /** Frame 0 alone, then four frames a latent: the causal VAE's temporal layout. */
    private byte[] vaeEncoder(Random rnd) {
        int r = resolution, h = latent();
        GraphBuilder g = new GraphBuilder("vae_encoder");
        String x = g.input("pixels", TensorType.FLOAT, 1, 3, "frames", r, r);
        String first = g.op("Slice", x, g.longs(0), g.longs(1), g.longs(2));
        String rest = g.op("Slice", x, g.longs(1), g.longs(Long.MAX_VALUE), g.longs(2));
        String w = g.random(rnd, 1 / Math.sqrt(3 * 64.0), C, 3, 1, 8, 8);
        String z0 = g.op("Conv", conv(new long[] {1, 8, 8}), first, w);
        // four zero frames more, so that a one-frame video (the portrait) is no empty convolution; their latent is cut
        String padded = g.op("Pad", rest, g.longs(0, 0, 0, 0, 0, 0, 0, 4, 0, 0));
        String zs = g.op("Conv", conv(new long[] {4, 8, 8}), padded, g.random(rnd, 1 / Math.sqrt(3 * 256.0), C, 3, 4, 8, 8));
        String latentsAfter = g.op("Div", g.op("Slice", g.op("Shape", rest), g.longs(2), g.longs(3)), g.longs(4));
        String cut = g.op("Slice", zs, g.longs(0), latentsAfter, g.longs(2));
        g.opNamed("latents", "Concat", List.of(Attr.of("axis", 2)), z0, cut);
        g.output("latents", TensorType.FLOAT, 1, C, "latent_frames", h, h);
        return g.build();
    }

    /** Latent 0 to frame 0, every later latent to four frames, enlarged trilinearly and mixed to RGB. */
    private byte[] vaeDecoder(Random rnd, boolean nan) {
        int r = resolution, h = latent();
        GraphBuilder g = new GraphBuilder("vae_decoder");
        String z = g.input("latents", TensorType.FLOAT, 1, C, "latent_frames", h, h);
        String mix = g.random(rnd, 0.15, 3, C, 1, 1, 1);
        String first = g.op("Slice", z, g.longs(0), g.longs(1), g.longs(2));
        String rest = g.op("Slice", z, g.longs(1), g.longs(Long.MAX_VALUE), g.longs(2));
        // mixed to RGB before the enlargement (both are linear): three channels at full size, not sixteen
        List<Attr> pointwise = List.of(Attr.ints("kernel_shape", 1, 1, 1));
        String up0 = g.op("Resize", List.of(Attr.of("mode", "linear")), g.op("Conv", pointwise, first, mix), "",
                g.constant(new float[] {1, 1, 1, 8, 8}, 5));
        String up = g.op("Resize", List.of(Attr.of("mode", "linear")), g.op("Conv", pointwise, rest, mix), "",
                g.constant(new float[] {1, 1, 4, 8, 8}, 5));
        String both = g.op("Concat", List.of(Attr.of("axis", 2)), up0, up);
        if (nan) {
            // the logarithm of a value below 0: NaN everywhere
            g.opNamed("pixels", "Log", List.of(), g.op("Sub", g.op("Sigmoid", both), g.constant(new float[] {2f}, 1)));
        } else {
            g.opNamed("pixels", "Sigmoid", List.of(), both);
        }
        g.output("pixels", TensorType.FLOAT, 1, 3, "frames", r, r);
        return g.build();
    }

    /**
     * The encoder in chunks: the first frame through a 2-D convolution, or four frames through a 3-D one plus
     * the previous chunk's last frame (its cache) through a 2-D one.
     */
    private byte[] vaeEncoderChunk(Random rnd, boolean first) {
        int r = resolution, h = latent(), t = first ? 1 : 4;
        GraphBuilder g = new GraphBuilder(first ? "vae_encoder_first" : "vae_encoder");
        String x = g.input("pixels", TensorType.FLOAT, 1, 3, t, r, r);
        String w1 = g.random(rnd, 1 / Math.sqrt(3 * 64.0), C, 3, 1, 8, 8);
        String z;
        if (first) {
            z = g.op("Conv", conv(new long[] {1, 8, 8}), x, w1);
        } else {
            String previous = g.input("last_frame", TensorType.FLOAT, 1, 3, 1, r, r);
            String zs = g.op("Conv", conv(new long[] {4, 8, 8}), x, g.random(rnd, 1 / Math.sqrt(3 * 256.0), C, 3, 4, 8, 8));
            z = g.op("Add", zs, g.op("Mul", g.op("Conv", conv(new long[] {1, 8, 8}), previous, w1), g.scalar(0.25f)));
        }
        g.opNamed("latents", "Identity", List.of(), z);
        g.opNamed("last_frame_next", "Slice", List.of(), x, g.longs(t - 1), g.longs(t), g.longs(2));
        g.output("latents", TensorType.FLOAT, 1, C, 1, h, h);
        g.output("last_frame_next", TensorType.FLOAT, 1, 3, 1, r, r);
        return g.build();
    }

    /**
     * The decoder in chunks: a latent frame to one frame, or to four enlarged from the previous latent frame
     * (its cache) towards this one, mixed to RGB first as the whole decoder does.
     */
    private byte[] vaeDecoderChunk(Random rnd, boolean first) {
        int r = resolution, h = latent();
        GraphBuilder g = new GraphBuilder(first ? "vae_decoder_first" : "vae_decoder");
        String z = g.input("latents", TensorType.FLOAT, 1, C, 1, h, h);
        String mix = g.random(rnd, 0.15, 3, C, 1, 1, 1);
        List<Attr> pointwise = List.of(Attr.ints("kernel_shape", 1, 1, 1));
        String frames;
        if (first) {
            frames = g.op("Resize", List.of(Attr.of("mode", "linear")), g.op("Conv", pointwise, z, mix), "",
                    g.constant(new float[] {1, 1, 1, 8, 8}, 5));
        } else {
            String previous = g.input("previous", TensorType.FLOAT, 1, C, 1, h, h);
            String both = g.op("Concat", List.of(Attr.of("axis", 2)), previous, z);
            // two latent frames to eight, of which the last four are this chunk's
            String up = g.op("Resize", List.of(Attr.of("mode", "linear")), g.op("Conv", pointwise, both, mix), "",
                    g.constant(new float[] {1, 1, 4, 8, 8}, 5));
            frames = g.op("Slice", up, g.longs(4), g.longs(8), g.longs(2));
        }
        g.opNamed("pixels", "Sigmoid", List.of(), frames);
        g.opNamed("previous_next", "Identity", List.of(), z);
        g.output("pixels", TensorType.FLOAT, 1, 3, first ? 1 : 4, r, r);
        g.output("previous_next", TensorType.FLOAT, 1, C, 1, h, h);
        return g.build();
    }

    /** 3-D convolutions over the latents; the portrait, the motion latents and each latent's audio add in per channel. */
    private byte[] denoiser(Random rnd) {
        int h = latent(), hc = hidden, motionLatents = 1 + (motionFrames - 1) / 4;
        GraphBuilder g = new GraphBuilder("denoiser");
        String sample = g.input("sample", TensorType.FLOAT, "batch", C, "latent_frames", h, h);
        String timestep = g.input("timestep", TensorType.INT64, 1);
        String ref = g.input("reference_latents", TensorType.FLOAT, 1, C, 1, h, h);
        String motion = g.input("motion_latents", TensorType.FLOAT, 1, C, motionLatents, h, h);
        String audio = g.input("audio_windows", TensorType.FLOAT, "batch", "frames", WINDOW, audioDim);
        List<Attr> spatial = List.of(Attr.ints("kernel_shape", 3, 3, 3), Attr.ints("pads", 1, 1, 1, 1, 1, 1));
        String x = g.op("Tanh", g.op("Conv", spatial, sample, g.random(rnd, 1 / Math.sqrt(C * 27.0), hc, C, 3, 3, 3)));
        // the portrait and the motion latents' mean, per pixel
        String cond = g.op("Add", ref, g.op("ReduceMean", List.of(Attr.ints("axes", 2), Attr.of("keepdims", 1)), motion));
        x = g.op("Add", x, g.op("Conv", List.of(Attr.ints("kernel_shape", 1, 1, 1)), cond, g.random(rnd, 0.3, hc, C, 1, 1, 1)));
        // audio: each latent's four frames' mean window feature, projected per channel
        String am = g.op("ReduceMean", List.of(Attr.ints("axes", 2), Attr.of("keepdims", 0)), audio);
        String per4 = g.op("ReduceMean", List.of(Attr.ints("axes", 2), Attr.of("keepdims", 0)),
                g.op("Reshape", am, g.longs(0, -1, 4, audioDim)));
        String ap = g.op("Transpose", List.of(Attr.ints("perm", 0, 2, 1)),
                g.op("MatMul", per4, g.random(rnd, 1 / Math.sqrt(audioDim), audioDim, hc)));
        x = g.op("Add", x, g.op("Unsqueeze", ap, g.longs(3, 4)));
        if (textTokens > 0) {
            // the prompt: its mean token, projected per channel, for each branch
            String text = g.input("text_context", TensorType.FLOAT, "batch", textTokens, TEXT_WIDTH);
            String tm = g.op("ReduceMean", List.of(Attr.ints("axes", 1), Attr.of("keepdims", 0)), text);
            String tp = g.op("MatMul", tm, g.random(rnd, 1 / Math.sqrt(TEXT_WIDTH), TEXT_WIDTH, hc));
            x = g.op("Add", x, g.op("Reshape", tp, g.longs(-1, hc, 1, 1, 1)));
        }
        String t = g.op("Mul", g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())),
                g.op("Reshape", timestep, g.longs())), g.scalar(1e-3f));
        x = g.op("Add", x, g.op("Mul", t, g.scalar(0.01f)));
        x = g.op("Tanh", g.op("Conv", spatial, x, g.random(rnd, 1 / Math.sqrt(hc * 27.0), hc, hc, 3, 3, 3)));
        g.opNamed("noise_pred", "Conv", List.of(Attr.ints("kernel_shape", 1, 1, 1)), x,
                g.random(rnd, 1 / Math.sqrt(hc), C, hc, 1, 1, 1));
        g.output("noise_pred", TensorType.FLOAT, "batch", C, "latent_frames", h, h);
        return g.build();
    }
}
