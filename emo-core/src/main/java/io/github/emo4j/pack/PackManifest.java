package io.github.emo4j.pack;

import io.github.emo4j.PackException;
import io.github.emo4j.audio.FeatureKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A pack's {@code manifest.json}: its name, settings, scheduler configuration (diffusers'
 * {@code scheduler_config.json} keys) and the components by role. Parsing checks every value's type and
 * range, so an absurd manifest is refused before anything is allocated from it.
 *
 * @param name        a short name
 * @param description what the pack is
 * @param family      the layout of the contract the pack follows ({@code "family"}, {@code unet} when absent)
 * @param settings    how to drive it
 * @param scheduler   the scheduler configuration, diffusers keys
 * @param components  the networks by role
 */
public record PackManifest(String name, String description, PackFamily family, PackSettings settings, Map<String, Object> scheduler,
                           Map<Role, ComponentSpec> components) {

    /** The format tag this version reads. */
    public static final String FORMAT = "emo4j-pack/1";
    private static final int MAX_DIM = 1 << 20;

    /** Parses a manifest document whose scheduler is given inline; {@code source} names it in error messages. */
    public static PackManifest parse(String json, String source) {
        return parse(json, source, file -> {
            throw new PackException(source + ": the scheduler names a file ('" + file + "'), but this manifest has no pack around it");
        });
    }

    /**
     * Parses a manifest document; {@code scheduler} may be the diffusers configuration itself or the
     * path of a {@code scheduler_config.json} in the pack, read through {@code files}.
     */
    public static PackManifest parse(String json, String source, Function<String, String> files) {
        Object doc;
        try {
            doc = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new PackException(source + ": " + e.getMessage());
        }
        Map<String, Object> m = asMap(doc, source, "manifest");
        String format = str(m, "format", source);
        if (!FORMAT.equals(format)) {
            throw new PackException(source + ": unsupported format '" + format + "' (this version reads " + FORMAT + ")");
        }
        Object familyKey = m.getOrDefault("family", PackFamily.UNET.key());
        if (!(familyKey instanceof String)) {
            throw new PackException(source + ": 'family' must be a string");
        }
        PackFamily family = PackFamily.fromKey((String) familyKey, source);
        PackSettings settings = settings(asMap(m.get("settings"), source, "settings"), source);
        family.check(settings, source);
        Map<String, Object> sched = scheduler(m.get("scheduler"), source, files);
        try {
            family.schedulers().fromConfig(sched);
        } catch (IllegalArgumentException e) {
            throw new PackException(source + ": scheduler: " + e.getMessage());
        }
        Map<Role, ComponentSpec> components = components(asMap(m.get("components"), source, "components"), family, source);
        ChunkedVae.check(components, family, settings, source);
        String name = str(m, "name", source);
        Object desc = m.get("description");
        return new PackManifest(name, desc instanceof String d ? d : "", family, settings, sched, components);
    }

    /** {@code tokenizer}, {@code prompt_cleaning}, {@code prompt} and {@code negative_prompt}, or {@code null} without a tokenizer. */
    private static TextEncoding textEncoding(Map<String, Object> s, String source) {
        String where = source + ": settings";
        if (!s.containsKey("tokenizer")) {
            for (String key : List.of("prompt_cleaning", "prompt", "negative_prompt")) {
                if (s.containsKey(key)) {
                    throw new PackException(where + "." + key + " needs a tokenizer (settings.tokenizer) and a text_encoder");
                }
            }
            return null;
        }
        String cleaning = s.containsKey("prompt_cleaning") ? str(s, "prompt_cleaning", where) : "none";
        if (!io.github.emo4j.text.PromptCleaning.known(cleaning)) {
            throw new PackException(where + ".prompt_cleaning must be \"none\" or \"whitespace\", not \"" + cleaning + "\"");
        }
        return new TextEncoding(str(s, "tokenizer", where), cleaning,
                s.containsKey("prompt") ? str(s, "prompt", where) : "",
                s.containsKey("negative_prompt") ? str(s, "negative_prompt", where) : "");
    }

    /** The settings, each in its range, checked against each other. */
    private static PackSettings settings(Map<String, Object> s, String source) {
        PackSettings settings = new PackSettings(
                intIn(s, "resolution", 16, 4096, source),
                intIn(s, "latent_channels", 1, 64, source),
                intIn(s, "latent_downsample", 1, 64, source),
                intIn(s, "clip_frames", 1, 256, source),
                intIn(s, "motion_frames", 0, 256, source),
                intIn(s, "audio_window", 0, 32, source),
                intIn(s, "audio_sample_rate", 8000, 192000, source),
                intIn(s, "audio_chunk_samples", 1, 192000, source),
                intIn(s, "audio_feature_dim", 1, 1 << 16, source),
                intIn(s, "fps", 1, 240, source),
                intIn(s, "default_steps", 1, 1000, source),
                numIn(s, "default_guidance", 0, 100, source),
                s.containsKey("context_overlap") ? intIn(s, "context_overlap", 0, 255, source) : 0,
                s.containsKey("reference_motion_frames") ? intIn(s, "reference_motion_frames", 0, 16, source) : 0,
                s.containsKey("first_motion") ? str(s, "first_motion", source + ": settings") : "zeros",
                s.containsKey("separator_sample_rate") ? intIn(s, "separator_sample_rate", 8000, 192000, source) : 44100,
                s.containsKey("latent_scaling") ? numIn(s, "latent_scaling", 1e-6, 1e6, source) : 1.0,
                bool(s, "audio_pad_to_clips", source),
                audioInput(s, source),
                jointReference(s, source),
                referencePairing(s, source),
                s.containsKey("text_context") ? str(s, "text_context", source + ": settings") : null,
                s.containsKey("negative_text_context") ? str(s, "negative_text_context", source + ": settings") : null,
                s.containsKey("audio_alignment") ? str(s, "audio_alignment", source + ": settings") : "frame-centres",
                s.containsKey("first_clip_settling_frames") ? intIn(s, "first_clip_settling_frames", 0, 255, source) : 0,
                s.containsKey("audio_receptive_field") ? intIn(s, "audio_receptive_field", 0, 1 << 20, source) : 0,
                textEncoding(s, source));
        if (settings.firstClipSettlingFrames() >= settings.clipFrames()) {
            throw new PackException(source + ": settings.first_clip_settling_frames " + settings.firstClipSettlingFrames()
                    + " must be smaller than clip_frames " + settings.clipFrames());
        }
        if (!List.of("frame-centres", "wan-s2v").contains(settings.audioAlignment())) {
            throw new PackException(source + ": settings.audio_alignment must be \"frame-centres\" or \"wan-s2v\", not \""
                    + settings.audioAlignment() + "\"");
        }
        if (settings.negativeTextContext() != null && settings.textContext() == null) {
            throw new PackException(source + ": settings.negative_text_context needs a text_context");
        }
        if (!List.of("zeros", "reference").contains(settings.firstMotion())) {
            throw new PackException(source + ": settings.first_motion must be \"zeros\" or \"reference\", not \""
                    + settings.firstMotion() + "\"");
        }
        if (settings.referenceMotionFrames() > 0 && settings.contextOverlap() > 0) {
            throw new PackException(source + ": settings.reference_motion_frames needs clips chained by motion frames, "
                    + "not context_overlap");
        }
        if (settings.referenceMotionFrames() > settings.clipFrames()) {
            throw new PackException(source + ": settings.reference_motion_frames " + settings.referenceMotionFrames()
                    + " exceeds clip_frames " + settings.clipFrames());
        }
        if (settings.contextOverlap() >= settings.clipFrames()) {
            throw new PackException(source + ": settings.context_overlap " + settings.contextOverlap()
                    + " must be smaller than clip_frames " + settings.clipFrames());
        }
        if (settings.resolution() % settings.latentDownsample() != 0) {
            throw new PackException(source + ": settings.resolution " + settings.resolution()
                    + " is not a multiple of latent_downsample " + settings.latentDownsample());
        }
        return settings;
    }

    /** {@code reference_batch}: whether the ReferenceNet runs on every branch's images together, once per clip. */
    private static boolean jointReference(Map<String, Object> s, String source) {
        String mode = s.containsKey("reference_batch") ? str(s, "reference_batch", source + ": settings") : "per_render";
        if (!List.of("per_render", "joint").contains(mode)) {
            throw new PackException(source + ": settings.reference_batch must be \"per_render\" or \"joint\", not \""
                    + mode + "\"");
        }
        if (mode.equals("per_render") && s.containsKey("reference_pairing")) {
            throw new PackException(source + ": settings.reference_pairing needs \"reference_batch\": \"joint\"");
        }
        return mode.equals("joint");
    }

    /**
     * {@code reference_pairing}: for the joint batch, the branch each image pairs with
     * ({@code [0, 1, 0, 1, 0, 1]} is Hallo's); empty for each image with its own branch.
     */
    private static List<Integer> referencePairing(Map<String, Object> s, String source) {
        Object pairing = s.get("reference_pairing");
        if (pairing == null) {
            return List.of();
        }
        if (!(pairing instanceof List<?> list) || list.isEmpty() || list.size() > 3 * 17) {
            throw new PackException(source + ": settings.reference_pairing must be a list of 1 to 51 guidance branch "
                    + "indices, one per image of the joint reference batch");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Double d) || d != Math.rint(d) || d < 0 || d > 2) {
                throw new PackException(source + ": settings.reference_pairing entry " + o
                        + " is not a guidance branch index (0, 1 or 2)");
            }
            out.add(d.intValue());
        }
        return out;
    }

    /** The scheduler configuration, inline or read from the pack file it names. */
    private static Map<String, Object> scheduler(Object entry, String source, Function<String, String> files) {
        Object schedulerEntry = entry;
        if (schedulerEntry instanceof String file) {
            String where = source + ": scheduler file " + file;
            try {
                schedulerEntry = Json.parsePython(files.apply(file));
            } catch (IllegalArgumentException e) {
                throw new PackException(where + ": " + e.getMessage());
            }
        }
        return asMap(schedulerEntry, source, "scheduler");
    }

    /** The components by role, every role the family requires present. */
    private static Map<Role, ComponentSpec> components(Map<String, Object> comps, PackFamily family, String source) {
        Map<Role, ComponentSpec> components = new EnumMap<>(Role.class);
        for (Map.Entry<String, Object> e : comps.entrySet()) {
            Role role = Role.fromKey(e.getKey());
            if (role == null) {
                throw new PackException(source + ": unknown component role '" + e.getKey() + "'");
            }
            Map<String, Object> c = asMap(e.getValue(), source, "components." + e.getKey());
            String where = source + ": components." + e.getKey();
            components.put(role, new ComponentSpec(role, str(c, "file", where),
                    tensors(c.get("inputs"), where + ".inputs"), tensors(c.get("outputs"), where + ".outputs")));
        }
        for (Role r : Role.values()) {
            if (family.requires(r) && !components.containsKey(r)) {
                throw new PackException(source + ": required component '" + r.key() + "' is missing");
            }
        }
        return components;
    }

    private static List<TensorSpec> tensors(Object o, String where) {
        if (!(o instanceof List<?> list)) {
            throw new PackException(where + " must be a list of tensors");
        }
        List<TensorSpec> out = new ArrayList<>();
        for (Object t : list) {
            Map<String, Object> tm = asMap(t, where, "tensor");
            String name = str(tm, "name", where);
            String dtype = str(tm, "dtype", where + "." + name);
            if (!List.of("float32", "float16", "bfloat16", "int64", "int32").contains(dtype)) {
                throw new PackException(where + "." + name + ": unsupported dtype '" + dtype + "'");
            }
            if (!(tm.get("shape") instanceof List<?> shape) || shape.size() > 8) {
                throw new PackException(where + "." + name + ": shape must be a list of at most 8 dimensions");
            }
            List<Object> dims = new ArrayList<>();
            for (Object d : shape) {
                if (d instanceof Double v && v == Math.rint(v) && v >= 1 && v <= MAX_DIM) {
                    dims.add(v.longValue());
                } else if (d instanceof String sym && sym.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                    dims.add(sym);
                } else {
                    throw new PackException(where + "." + name + ": invalid dimension " + d
                            + " (a whole number from 1 to " + MAX_DIM + ", or a symbolic name)");
                }
            }
            Object uncond = tm.get("uncond");
            if (uncond != null && !List.of("zeros", "same", "zero_input").contains(uncond)) {
                throw new PackException(where + "." + name + ": uncond must be \"zeros\", \"same\" or \"zero_input\", not " + uncond);
            }
            Object condition = tm.get("condition");
            if (condition != null && !"audio".equals(condition) && !"reference".equals(condition)) {
                throw new PackException(where + "." + name + ": condition must be \"audio\" or \"reference\", not " + condition);
            }
            out.add(new TensorSpec(name, dtype, dims, (String) uncond, (String) condition));
        }
        return out;
    }

    private static boolean bool(Map<String, Object> s, String key, String source) {
        Object v = s.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw new PackException(source + ": settings." + key + " must be true or false, not " + v);
        }
        return b;
    }

    private static FeatureKind audioInput(Map<String, Object> s, String source) {
        if (!s.containsKey("audio_input")) {
            return FeatureKind.WAV2VEC_INPUT;
        }
        String name = str(s, "audio_input", source + ": settings");
        List<FeatureKind> usable = List.of(FeatureKind.WAV2VEC_INPUT, FeatureKind.WAV2VEC_INPUT_CAUSAL, FeatureKind.WAVEFORM_16K,
                FeatureKind.WHISPER_LOGMEL_80, FeatureKind.WHISPER_LOGMEL_128);
        for (FeatureKind k : usable) {
            if (k.cliName().equals(name)) {
                if (k.isLogMel()
                        && !(s.get("audio_sample_rate") instanceof Double r && r == 16000)) {
                    throw new PackException(source + ": settings.audio_input " + name + " needs audio_sample_rate 16000");
                }
                return k;
            }
        }
        throw new PackException(source + ": settings.audio_input must be one of "
                + usable.stream().map(FeatureKind::cliName).toList() + ", not \"" + name + "\"");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String source, String what) {
        if (!(o instanceof Map)) {
            throw new PackException(source + ": '" + what + "' must be an object");
        }
        return (Map<String, Object>) o;
    }

    private static String str(Map<String, Object> m, String key, String source) {
        if (!(m.get(key) instanceof String s) || s.isEmpty()) {
            throw new PackException(source + ": '" + key + "' must be a non-empty string");
        }
        return s;
    }

    private static int intIn(Map<String, Object> m, String key, int lo, int hi, String source) {
        double v = numIn(m, key, lo, hi, source);
        if (v != Math.rint(v)) {
            throw new PackException(source + ": settings." + key + " must be a whole number, not " + v);
        }
        return (int) v;
    }

    private static double numIn(Map<String, Object> m, String key, double lo, double hi, String source) {
        if (!(m.get(key) instanceof Double v)) {
            throw new PackException(source + ": settings." + key + " is missing or not a number");
        }
        if (v < lo || v > hi) {
            throw new PackException(source + ": settings." + key + " = " + v + " is outside " + lo + ".." + hi);
        }
        return v;
    }
}
