package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.testkit.SyntheticPack;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.emo4j.EmoPipeline;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract on bad input: exit code 2, one line naming the problem, no output file. */
class EmoCliTest {

    static final String PORTRAIT = "../samples/portrait-astronaut.png";
    static final String SPEECH = "../samples/speech-sample.wav";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = EmoCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertBadInput(String fragment, String... args) {
        Path out = dir.resolve("out.mp4");
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        all[args.length + 2] = "--quiet";
        Run r = run(all);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line expected: " + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
        assertFalse(Files.exists(out), "no output file on failure");
    }

    @Test
    void missingPortraitIsNamed() {
        assertBadInput("nope.png: file not found", "render", "--portrait", dir.resolve("nope.png").toString(), "--audio", SPEECH);
    }

    @Test
    void aPoseVideoIsNamedWhenMissingOrWhenThePackTakesNone() throws Exception {
        assertBadInput("pose: " + dir.resolve("none.mp4") + " is not a readable file", "render", "--portrait", PORTRAIT,
                "--audio", SPEECH, "--pose", dir.resolve("none.mp4").toString());
        Path pose = dir.resolve("pose.mp4");
        try (io.github.emo4j.video.Mp4Writer w = new io.github.emo4j.video.Mp4Writer(pose, 32, 32, 25, 1, null, 0)) {
            w.accept(new int[32 * 32]);
            w.finish();
        }
        assertBadInput("pose: this pack's denoiser takes no pose_latents", "render", "--portrait", PORTRAIT, "--audio", SPEECH,
                "--pose", pose.toString());
        Path out = dir.resolve("live.mp4");
        Run live = run("live", "--portrait", PORTRAIT, "--audio", SPEECH, "--as-fast-as-possible", "--pose", pose.toString(),
                "--out", out.toString());
        assertEquals(2, live.code(), live.err());
        assertEquals("emo: pose: this pack's denoiser takes no pose_latents, so a pose video cannot drive it", live.err().strip());
        assertFalse(Files.exists(out));
    }

    @Test
    void aPromptIsRefusedForAPackWithoutATextEncoder() {
        assertBadInput("emo: prompt: this pack has no text_encoder; its denoiser takes no text", "render", "--portrait", PORTRAIT,
                "--audio", SPEECH, "--prompt", "a person talking");
    }

    /** A pack with a text encoder (the testkit's, its tokenizer.json read by emo-text) renders the prompt given. */
    @Test
    void aPackWithATextEncoderRendersThePromptGiven() throws Exception {
        Path pack = dir.resolve("text-pack");
        new io.github.emo4j.testkit.SyntheticFlowPack(64, 4, 5, 16, 8, 5, 6).withTextEncoder(false).source().writeTo(pack);
        Path out = dir.resolve("prompted.mp4");
        Run r = run("render", "--portrait", PORTRAIT, "--audio", SPEECH, "--pack", pack.toString(), "--steps", "1",
                "--prompt", "a person sing", "--negative-prompt", "blurry", "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void bytesThatAreNotAnImageAreNamed() throws Exception {
        Path junk = dir.resolve("junk.png");
        Files.writeString(junk, "hello");
        assertBadInput("junk.png", "render", "--portrait", junk.toString(), "--audio", SPEECH);
    }

    @Test
    void emptyAndNonWavAudioIsNamed() throws Exception {
        Path empty = dir.resolve("empty.wav");
        Files.write(empty, new byte[0]);
        assertBadInput("empty.wav: empty file", "render", "--portrait", PORTRAIT, "--audio", empty.toString());
        Path text = dir.resolve("speech.wav");
        Files.writeString(text, "this is text, not sound");
        assertBadInput("speech.wav: not a supported audio file", "render", "--portrait", PORTRAIT, "--audio", text.toString());
    }

    @Test
    void aPortraitWithoutAFaceAsksForFace() throws Exception {
        BufferedImage img = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                img.setRGB(x, y, (x + y) / 2 * 0x010101);
            }
        }
        Path p = dir.resolve("wall.png");
        ImageIO.write(img, "png", p.toFile());
        assertBadInput("--face", "render", "--portrait", p.toString(), "--audio", SPEECH);
    }

    @Test
    void badOptionsAreRefused() {
        assertBadInput("--steps", "render", "--portrait", PORTRAIT, "--audio", SPEECH, "--steps", "many");
        assertBadInput("unknown provider", "render", "--portrait", PORTRAIT, "--audio", SPEECH, "--provider", "quantum");
        assertBadInput("does not lie inside", "render", "--portrait", PORTRAIT, "--audio", SPEECH, "--face", "500,500,100,100");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run r = run("render", "--portrait", dir.resolve("nope.png").toString(), "--audio", SPEECH,
                "--out", dir.resolve("o.mp4").toString(), "--verbose");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void featuresAreWrittenAsNpy() throws Exception {
        Path out = dir.resolve("mel.npy");
        Run r = run("features", "--audio", SPEECH, "--kind", "whisper-logmel-80", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        byte[] npy = Files.readAllBytes(out);
        String header = new String(npy, 10, 118, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (80, 1220)"), header);
        assertEquals(128 + 80 * 1220 * 4, npy.length);
        Run bad = run("features", "--audio", SPEECH, "--kind", "mfcc", "--out", dir.resolve("x.npy").toString());
        assertEquals(2, bad.code());
        assertFalse(Files.exists(dir.resolve("x.npy")));
        Run missing = run("features", "--audio", dir.resolve("none.wav").toString(), "--kind", "envelope", "--out", dir.resolve("y.npy").toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("none.wav"), missing.err());
        assertFalse(Files.exists(dir.resolve("y.npy")));
    }

    /** Every voice format a phone or browser records, as ffmpeg writes it: features and a render from each. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
            "voice.opus; -c:a libopus -b:a 24k -application voip -f ogg",
            "voice.webm; -c:a libopus -b:a 32k -f webm",
            "voice.mka; -c:a flac -f matroska",
            "voice.flac; -c:a flac",
            "voice.mp3; -c:a libmp3lame -b:a 64k",
            "voice.m4a; -c:a aac -b:a 64k",
            "voice-alac.m4a; -c:a alac",
            "voice.ogg; -c:a libvorbis -q:a 3",
            "voice-vorbis.webm; -c:a libvorbis -q:a 3 -f webm"})
    void everyRecordedFormatGivesFeaturesAndARender(String name, String args) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasFfmpeg(), "ffmpeg is not installed");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("ffmpeg", "-nostdin", "-v", "error", "-y",
                "-i", SPEECH, "-t", "2"));
        cmd.addAll(java.util.List.of(args.trim().split(" ")));
        Path voice = dir.resolve(name);
        cmd.add(voice.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        Path npy = dir.resolve(name + ".npy");
        Run f = run("features", "--audio", voice.toString(), "--kind", "waveform-16k", "--out", npy.toString());
        assertEquals(0, f.code(), f.err());
        int values = (Files.readAllBytes(npy).length - 128) / 4;
        // two seconds at 16 kHz: exactly for the lossless and gapless formats, within an AAC frame for M4A
        assertTrue(Math.abs(values - 32_000) <= (name.endsWith(".m4a") ? 1024 : 0), name + ": " + values + " samples");
        Path mp4 = dir.resolve(name + ".mp4");
        Run r = run("render", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out", mp4.toString(), "--steps", "1", "--quiet");
        assertEquals(0, r.code(), r.err());
        long frames = io.github.emo4j.video.Mp4Reader.probe(mp4).videoFrames();
        assertEquals(Math.round(values / 16_000.0 * 25), frames, name);
    }

    private static boolean hasFfmpeg() {
        try {
            return new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** A 16-bit mono WAV of {@code samples}. */
    static void writeWav(Path f, float[] samples, int rate) throws java.io.IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * samples.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples.length).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * samples.length);
        for (float v : samples) {
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        Files.write(f, b.array());
    }

    @Test
    void theBuiltInFlowPackRendersAndRefusesWhatItCannotTake() throws Exception {
        Path voice = dir.resolve("one-second.wav");
        writeWav(voice, Arrays.copyOf(EmoPipeline.readAudio(Path.of(SPEECH)).samples(), 16000), 16000);
        Run info = run("info", "--pack", "builtin:flow");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("family: flow") && info.out().contains("FlowMatchEulerDiscreteScheduler"), info.out());
        Path out = dir.resolve("flow.mp4");
        Run r = run("render", "--pack", "builtin:flow", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out",
                out.toString(), "--scheduler", "flow-unipc", "--steps", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(25, io.github.emo4j.video.Mp4Reader.probe(out).videoFrames(), "1 s at 25 fps");
        assertBadInput("scheduler ddim on this pack", "render", "--pack", "builtin:flow", "--portrait", PORTRAIT, "--audio",
                voice.toString(), "--scheduler", "ddim");
        Run live = run("live", "--pack", "builtin:flow", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out",
                dir.resolve("l.mp4").toString(), "--clip-frames", "4", "--first-clip-frames", "1");
        assertEquals(2, live.code(), live.err());
        assertEquals(1, live.err().strip().lines().count(), live.err());
        assertTrue(live.err().contains("firstClipFrames 1: this pack's clips are decoded after context latents"), live.err());
        assertFalse(Files.exists(dir.resolve("out.mp4")) || Files.exists(dir.resolve("l.mp4")), "a refusal writes nothing");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList());
        }
    }

    @Test
    void liveWritesAFragmentedStreamAndItsLatency() throws Exception {
        Path voice = dir.resolve("two-seconds.wav");
        writeWav(voice, Arrays.copyOf(EmoPipeline.readAudio(Path.of(SPEECH)).samples(), 32000), 16000);
        Path out = dir.resolve("live.mp4");
        Run r = run("live", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out", out.toString(),
                "--clip-frames", "4", "--steps", "2", "--as-fast-as-possible");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("50 frames as fragmented MP4") && r.err().contains("first frame")
                && r.err().contains("latency p50"), r.err());
        byte[] b = Files.readAllBytes(out);
        assertEquals("ftyp", new String(b, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains("moof"), "fragments");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList());
        }
        Run again = run("live", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out", dir.resolve("x.mov").toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("x.mov: output must be an .mp4 file"), again.err());
        Run clip = run("live", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out", dir.resolve("y.mp4").toString(),
                "--clip-frames", "65");
        assertEquals(2, clip.code());
        assertTrue(clip.err().contains("--clip-frames"), clip.err());
        assertFalse(Files.exists(dir.resolve("y.mp4")));
        Run policy = run("live", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out", dir.resolve("z.mp4").toString(),
                "--lag-policy", "drop-frames");
        assertEquals(2, policy.code());
        assertEquals(1, policy.err().strip().lines().count(), policy.err());
        assertTrue(policy.err().contains("--lag-policy: 'drop-frames' is not one of fewer-steps, lower-frame-rate, stop"),
                policy.err());
        Run lag = run("live", "--portrait", PORTRAIT, "--audio", voice.toString(), "--out", dir.resolve("z.mp4").toString(),
                "--lag-policy", "lower-frame-rate", "--max-lag", "0");
        assertEquals(2, lag.code());
        assertTrue(lag.err().contains("--max-lag must be above 0"), lag.err());
        assertFalse(Files.exists(dir.resolve("z.mp4")));
    }

    @Test
    void schedulePrintsTimestepsAsJson() throws Exception {
        Path cfg = dir.resolve("scheduler_config.json");
        Files.writeString(cfg, "{\"_class_name\": \"DDIMScheduler\", \"beta_schedule\": \"scaled_linear\", "
                + "\"beta_start\": 0.00085, \"beta_end\": 0.012, \"steps_offset\": 1, \"timestep_spacing\": \"leading\"}");
        Run r = run("schedule", "--config", cfg.toString(), "--steps", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"timesteps\": [751, 501, 251, 1]"), r.out());
        assertTrue(r.out().contains("\"init_noise_sigma\": 1"), r.out());
        Run ddimWithMu = run("schedule", "--config", cfg.toString(), "--steps", "4", "--mu", "1");
        assertEquals(2, ddimWithMu.code());
        assertTrue(ddimWithMu.err().contains("DDIMScheduler takes none"), ddimWithMu.err());
        Files.writeString(cfg, "{\"_class_name\": \"Nope\"}");
        Run bad = run("schedule", "--config", cfg.toString(), "--steps", "4");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("scheduler_config.json"), bad.err());
        assertTrue(bad.err().contains("FlowMatchEulerDiscreteScheduler"), "the flow schedulers are listed: " + bad.err());
    }

    @Test
    void scheduleOfAFlowSchedulerPrintsItsSigmasAndTakesMu() throws Exception {
        Path cfg = dir.resolve("flow_config.json");
        Files.writeString(cfg, "{\"_class_name\": \"FlowMatchEulerDiscreteScheduler\", \"shift\": 3.0}");
        Run r = run("schedule", "--config", cfg.toString(), "--steps", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"timesteps\": [1000, 857.6923217773438, 602.1505737304688, 8.928571701049805], "
                + "\"sigmas\": [1, 0.857692301273346, 0.602150559425354, 0.008928571827709675, 0]"), r.out());
        Files.writeString(cfg, "{\"_class_name\": \"FlowMatchEulerDiscreteScheduler\", \"use_dynamic_shifting\": true}");
        Run noMu = run("schedule", "--config", cfg.toString(), "--steps", "4");
        assertEquals(2, noMu.code());
        assertTrue(noMu.err().contains("give mu"), noMu.err());
        Run mu = run("schedule", "--config", cfg.toString(), "--steps", "4", "--mu", "0.95");
        assertEquals(0, mu.code(), mu.err());
        assertTrue(mu.out().contains("\"sigmas\": [1, 0.838166356086731"), mu.out());
    }

    @Test
    void infoListsTheCpuProvider() {
        Run r = run("info");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("cpu"), r.out());
    }

    @Test
    void infoChecksAndDescribesAPack() throws Exception {
        Path pack = dir.resolve("pack");
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).inHalloLayout().source().writeTo(pack);
        Run r = run("info", "--pack", pack.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("loaded and checked on cpu"), r.out());
        assertTrue(r.out().contains("reference_net (reference_net.onnx)"), r.out());
        assertTrue(r.out().contains("face_tokens float32[batch, 4, 32] uncond zero_input"), r.out());

        Files.delete(pack.resolve("image_projection.onnx"));
        Run bad = run("info", "--pack", pack.toString());
        assertEquals(2, bad.code(), "a broken pack is bad input");
        assertEquals(1, bad.err().strip().lines().count(), "one line expected: " + bad.err());
        assertTrue(bad.err().contains("image_projection"), bad.err());
    }

    /** The first {@code seconds} of the sample, as a WAV in the test's folder. */
    private Path sampleStart(double seconds) throws Exception {
        Path shortWav = dir.resolve("start.wav");
        byte[] wav = Files.readAllBytes(Path.of(SPEECH));
        int dataBytes = (int) (16000 * seconds) * 2;
        ByteBuffer b = ByteBuffer.wrap(wav.clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, 36 + dataBytes).putInt(40, dataBytes);
        Files.write(shortWav, Arrays.copyOf(b.array(), 44 + dataBytes));
        return shortWav;
    }

    @Test
    void tracesCompareAsEqualForOneSeedAndDifferentForTwo() throws Exception {
        Path wav = sampleStart(0.6);
        Path pack = dir.resolve("pack");
        new SyntheticPack(64, 4, 2, 16, 8, 0.05, 7).writeTo(pack);
        for (String[] t : new String[][] {{"a", "3"}, {"b", "3"}, {"c", "4"}}) {
            Run r = run("render", "--pack", pack.toString(), "--portrait", PORTRAIT, "--audio", wav.toString(),
                    "--out", dir.resolve(t[0] + ".mp4").toString(), "--trace", dir.resolve(t[0]).toString(), "--seed", t[1],
                    "--steps", "2", "--quiet");
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.isRegularFile(dir.resolve(t[0]).resolve("index.json")));
        }
        Run same = run("compare", dir.resolve("a").toString(), dir.resolve("b").toString());
        assertEquals(0, same.code(), same.out());
        assertTrue(same.out().contains(" 0 above tolerance"), same.out());
        assertTrue(same.out().lines().skip(1).limit(3).allMatch(l -> l.startsWith("0.000e+00")), same.out());
        Run differ = run("compare", dir.resolve("a").toString(), dir.resolve("c").toString(), "--tolerance", "1e-6");
        assertEquals(1, differ.code(), differ.out());
        assertTrue(differ.out().lines().anyMatch(l -> l.endsWith("clip-0000/initial_noise.npy") && !l.startsWith("0.000e+00")),
                differ.out());

        // an original's hooks save a part of the trace: --shared compares that part, and fails on it alone
        Path part = dir.resolve("part/clip-0000");
        Files.createDirectories(part);
        Files.copy(dir.resolve("a/clip-0000/decoded.npy"), part.resolve("decoded.npy"));
        Run partial = run("compare", dir.resolve("part").toString(), dir.resolve("b").toString());
        assertEquals(1, partial.code(), partial.out());
        Run shared = run("compare", dir.resolve("part").toString(), dir.resolve("b").toString(), "--shared");
        assertEquals(0, shared.code(), shared.out());
        assertTrue(shared.out().contains("1 tensors compared, 0 above tolerance") && shared.out().contains("in one folder only"),
                shared.out());
        Run sharedDiffer = run("compare", dir.resolve("part").toString(), dir.resolve("c").toString(), "--shared",
                "--tolerance", "1e-6");
        assertEquals(1, sharedDiffer.code(), sharedDiffer.out());

        // the noise of trace c, given to a render with seed 3, makes c's video
        Path again = dir.resolve("again.mp4");
        Run r = run("render", "--pack", pack.toString(), "--portrait", PORTRAIT, "--audio", wav.toString(),
                "--out", again.toString(), "--noise", dir.resolve("c").toString(), "--seed", "3", "--steps", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("c.mp4")), Files.readAllBytes(again));
    }

    @Test
    void framesAreWrittenLosslessBesideTheVideo() throws Exception {
        Path wav = sampleStart(0.4), frames = dir.resolve("frames"), out = dir.resolve("f.mp4");
        Run r = run("render", "--portrait", PORTRAIT, "--audio", wav.toString(), "--out", out.toString(),
                "--frames", frames.toString(), "--face", "176,66,95,95", "--steps", "1", "--quiet");
        assertEquals(0, r.code(), r.err());
        try (var list = Files.list(frames)) {
            assertEquals(10, list.count(), "one PNG per frame");
        }
        BufferedImage first = ImageIO.read(frames.resolve("frame-000001.png").toFile());
        BufferedImage portrait = ImageIO.read(Path.of(PORTRAIT).toFile());
        assertEquals(portrait.getWidth(), first.getWidth());
        // outside the face crop the frame is the portrait itself, bit for bit
        assertEquals(portrait.getRGB(5, 500) & 0xFFFFFF, first.getRGB(5, 500) & 0xFFFFFF);
        assertTrue(Files.isRegularFile(frames.resolve("frame-000010.png")));
        assertBadInput("--frames needs a folder that does not exist yet", "render", "--portrait", PORTRAIT,
                "--audio", wav.toString(), "--frames", frames.toString());
    }

    @Test
    void badParityInputsAreNamed() throws Exception {
        Path wav = sampleStart(0.3);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertBadInput("clip-0000.npy: missing", "render", "--portrait", PORTRAIT, "--audio", wav.toString(),
                "--noise", empty.toString());
        assertBadInput("holds none of face_crop.npy", "render", "--portrait", PORTRAIT, "--audio", wav.toString(),
                "--inputs", empty.toString());
        Files.writeString(Files.createDirectories(dir.resolve("used")).resolve("x.txt"), "x");
        assertBadInput("--trace needs a new or empty folder", "render", "--portrait", PORTRAIT, "--audio", wav.toString(),
                "--trace", dir.resolve("used").toString());
        Run r = run("compare", dir.resolve("used").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("emo: Missing required parameter: 'B'", r.err().strip());
    }

    @Test
    void everyCommandHasItsHelpAndMistypesGetSuggestions() {
        for (String command : java.util.List.of("render", "demo", "live", "serve", "faces", "info", "schedule", "compare",
                "features", "version")) {
            Run r = run(command, "--help");
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: emo " + command), command + ": " + r.out());
            assertTrue(r.out().contains("--verbose"), command + ": " + r.out());
        }
        Run all = run();
        assertEquals(0, all.code());
        assertTrue(all.out().contains("Commands:") && all.out().contains("serve") && all.out().contains("Exit status"), all.out());
        assertEquals("emo4j " + EmoCli.VERSION, run("--version").out().strip());
        assertEquals(run("help", "live").out(), run("live", "--help").out());

        Run typo = run("render", "--portrit", PORTRAIT, "--audio", SPEECH, "--out", dir.resolve("t.mp4").toString());
        assertEquals(2, typo.code());
        assertEquals("emo: unknown option --portrit for emo render (did you mean --portrait or --pose?)", typo.err().strip());
        Run command = run("rendr");
        assertEquals(2, command.code());
        assertTrue(command.err().strip().matches("emo: unknown command 'rendr'; the commands are render, .* \\(did you mean render.*\\)"),
                command.err());
        Run hex = run("render", "--portrait", PORTRAIT, "--audio", SPEECH, "--out", dir.resolve("t.mp4").toString(), "--steps", "0x10");
        assertEquals("emo: Invalid value for option '--steps': must be a whole number: '0x10'", hex.err().strip());
        // a file whose name begins with @ is a file, not picocli's argument file
        Run at = run("faces", "--portrait", "@missing.png");
        assertEquals(2, at.code());
        assertTrue(at.err().contains("@missing.png"), at.err());
    }

    @Test
    void rendersWithAGivenFaceBox() throws Exception {
        Path out = dir.resolve("talk.mp4");
        Path shortWav = dir.resolve("short.wav");
        // the first second of the sample keeps this test quick
        byte[] wav = Files.readAllBytes(Path.of(SPEECH));
        int dataBytes = 16000 * 2;
        ByteBuffer b = ByteBuffer.wrap(wav.clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, 36 + dataBytes).putInt(40, dataBytes);
        Files.write(shortWav, Arrays.copyOf(b.array(), 44 + dataBytes));
        Run r = run("render", "--portrait", PORTRAIT, "--audio", shortWav.toString(), "--out", out.toString(),
                "--face", "176,66,95,95", "--steps", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out) > 1000);
        assertTrue(r.err().contains("25 frames"), r.err());
    }

    @Test
    void facesPrintsWhatARenderWouldSee() throws Exception {
        Path drawn = dir.resolve("faces.png");
        Run r = run("faces", "--portrait", PORTRAIT, "--annotate", drawn.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"width\":512,\"height\":512,\"faces\":[{\"box\":["), r.out());
        for (String point : new String[] {"right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"}) {
            assertTrue(r.out().contains("\"" + point + "\":["), r.out());
        }
        assertEquals(512, ImageIO.read(drawn.toFile()).getWidth());

        Path plain = dir.resolve("plain.png");
        BufferedImage img = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 200; x++) {
                img.setRGB(x, y, x << 16 | y << 8 | 90);
            }
        }
        ImageIO.write(img, "png", plain.toFile());
        Run none = run("faces", "--portrait", plain.toString());
        assertEquals(0, none.code(), none.err());
        assertEquals("{\"width\":200,\"height\":150,\"faces\":[]}", none.out().strip());
        Run render = run("render", "--portrait", plain.toString(), "--audio", SPEECH, "--out", dir.resolve("x.mp4").toString(), "--quiet");
        assertEquals(2, render.code());
        assertTrue(render.err().contains("plain.png: no face found"), render.err());
    }

    @Test
    void faceIndexChoosesAnotherFace() throws Exception {
        BufferedImage astronaut = ImageIO.read(Path.of(PORTRAIT).toFile());
        BufferedImage two = new BufferedImage(1024, 512, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = two.createGraphics();
        g.drawImage(astronaut, 0, 0, null);
        g.drawImage(astronaut, 600, 100, 256, 256, null);
        g.dispose();
        Path portrait = dir.resolve("two.png");
        ImageIO.write(two, "png", portrait.toFile());
        Run faces = run("faces", "--portrait", portrait.toString());
        assertEquals(0, faces.code(), faces.err());
        assertEquals(2, faces.out().split("\"box\"", -1).length - 1, faces.out());
        Path wav = dir.resolve("short.wav");
        Files.write(wav, HostileInputTest.wav16(new short[8000], 16000));
        Path out = dir.resolve("second.mp4");
        Run second = run("render", "--portrait", portrait.toString(), "--audio", wav.toString(), "--out", out.toString(),
                "--face-index", "1", "--steps", "1", "--quiet");
        assertEquals(0, second.code(), second.err());
        assertTrue(Files.size(out) > 0);
        Run third = run("render", "--portrait", portrait.toString(), "--audio", wav.toString(), "--out", out.toString(),
                "--face-index", "2", "--quiet");
        assertEquals(2, third.code());
        assertTrue(third.err().contains("2 faces were found"), third.err());
    }
}
