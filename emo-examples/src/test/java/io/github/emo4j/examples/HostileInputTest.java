package io.github.emo4j.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.onnx.GraphBuilder;
import io.github.emo4j.onnx.TensorType;
import io.github.emo4j.pack.Json;
import io.github.emo4j.procedural.ProceduralPack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a few hundred hostile or odd inputs, all generated here: broken and lying
 * audio headers (WAV, RF64, AIFF, AU, MP4, MP3), broken images and pixel bombs, broken packs (paths out
 * of the pack, duplicate keys, networks that output NaN), and impossible option values. Every case
 * ends one of two ways: a clean refusal (exit 2, one line on stderr, no stack trace, no file at the
 * output path and no partial file beside it, every input unchanged), or, for files that are odd but
 * valid, a correct result.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    private Path inputs;
    private Path outputs;
    private Path wav;
    private Path png;
    private Path pack;
    private int serial;

    private record Outcome(int code, String out, String err) {
    }

    // ---------- fixtures ----------

    private void fixtures() throws Exception {
        inputs = Files.createDirectories(dir.resolve("in"));
        outputs = Files.createDirectories(dir.resolve("out"));
        wav = inputs.resolve("voice.wav");
        Files.write(wav, wav16(voice(0.3), 16000));
        png = inputs.resolve("face.png");
        ImageIO.write(portrait(128, 128, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        pack = inputs.resolve("pack");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(pack);
    }

    private static short[] voice(double seconds) {
        short[] s = new short[(int) (seconds * 16000)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (8000 * Math.sin(i * 0.07) * Math.max(0, Math.sin(i / 16000.0 * 9)));
        }
        return s;
    }

    static byte[] wav16(short[] samples, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples.length).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples.length);
        for (short v : samples) {
            b.putShort(v);
        }
        return b.array();
    }

    private static BufferedImage portrait(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, 0xFF000000 | (x * 2 & 0xFF) << 16 | (y * 2 & 0xFF) << 8 | ((x ^ y) & 0xFF));
            }
        }
        return img;
    }

    private Path input(String name, byte[] bytes) throws IOException {
        Path p = inputs.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    private static byte[] mutate(byte[] b, Consumer<ByteBuffer> change, ByteOrder order) {
        ByteBuffer copy = ByteBuffer.wrap(b.clone()).order(order);
        change.accept(copy);
        return copy.array();
    }

    // ---------- running and judging ----------

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = EmoCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<String, String> snapshot() throws Exception {
        Map<String, String> m = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(inputs)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                m.put(inputs.relativize(p).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    /** Runs {@code args} (with {@code --out} appended when {@code out} is not null) and judges the outcome. */
    private Outcome judge(boolean mayRender, String outName, String... args) throws Exception {
        Path out = outName == null ? null : outputs.resolve(outName);
        List<String> all = new ArrayList<>(List.of(args));
        if (out != null) {
            all.addAll(List.of("--out", out.toString()));
        }
        if (args[0].equals("render")) {
            all.add("--quiet");
        }
        Map<String, String> before = snapshot();
        Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> run(all.toArray(new String[0])),
                () -> "no answer within 2 minutes: " + all);
        assertEquals(before, snapshot(), "an input was changed: " + all);
        try (Stream<Path> files = Files.list(outputs)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList(), "partial files left");
        }
        if (o.code() == 0 && mayRender) {
            if (out != null) {
                assertTrue(Files.isRegularFile(out) && Files.size(out) > 0, "no output: " + all + "\n" + o.err());
            }
            return o;
        }
        assertEquals(2, o.code(), "expected a refusal (exit 2) for " + all + "\n" + o.err());
        List<String> lines = o.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line expected for " + all + ":\n" + o.err());
        assertTrue(lines.get(0).startsWith("emo: "), lines.get(0));
        assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), "no stack trace or exception name: " + o.err());
        assertTrue(o.out().isEmpty() || args[0].equals("info"), "nothing on stdout: " + o.out());
        if (out != null) {
            assertFalse(Files.exists(out), "a file was left at " + out);
        }
        return o;
    }

    private DynamicTest refused(String name, String outName, String... args) {
        return DynamicTest.dynamicTest(name, () -> judge(false, outName, args));
    }

    private DynamicTest refusedNaming(String name, String fragment, String outName, String... args) {
        return DynamicTest.dynamicTest(name, () -> {
            Outcome o = judge(false, outName, args);
            assertTrue(o.err().contains(fragment), "the message should say '" + fragment + "': " + o.err());
        });
    }

    private DynamicTest refusedOrDone(String name, String outName, String... args) {
        return DynamicTest.dynamicTest(name, () -> judge(true, outName, args));
    }

    private DynamicTest rendered(String name, String outName, String... args) {
        return DynamicTest.dynamicTest(name, () -> {
            Outcome o = judge(true, outName, args);
            assertEquals(0, o.code(), "expected a render: " + o.err());
        });
    }

    private String out(String ext) {
        return "case-" + (++serial) + ext;
    }

    private String[] render(String... extra) {
        List<String> a = new ArrayList<>(List.of("render", "--portrait", png.toString(), "--audio", wav.toString(),
                "--pack", pack.toString(), "--face", "32,32,64,64", "--steps", "1"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    // ---------- the cases ----------

    @TestFactory
    List<DynamicTest> hostileInputs() throws Exception {
        fixtures();
        List<DynamicTest> cases = new ArrayList<>();
        cases.addAll(optionValues());
        cases.addAll(audioFiles());
        cases.addAll(images());
        cases.addAll(packs());
        cases.addAll(outputsThatAreInputs());
        assertTrue(cases.size() >= 150, "only " + cases.size() + " cases");
        return cases;
    }

    private List<DynamicTest> optionValues() {
        List<DynamicTest> c = new ArrayList<>();
        Map<String, List<String>> bad = new LinkedHashMap<>();
        List<String> notNumbers = List.of("NaN", "Infinity", "-Infinity", "abc", "", "1e999", "0x10", "99999999999999999999");
        for (String opt : List.of("steps", "guidance", "fps", "threads", "quality", "key-interval", "guidance-rescale",
                "reference-guidance")) {
            List<String> v = new ArrayList<>(notNumbers);
            v.add("-1");
            bad.put(opt, v);
        }
        bad.put("seed", List.of("NaN", "abc", "", "1.5", "99999999999999999999"));
        bad.put("steps", concat(bad.get("steps"), "0.5", "1001"));
        bad.put("fps", concat(bad.get("fps"), "121"));
        bad.put("quality", concat(bad.get("quality"), "9", "52"));
        bad.put("guidance-rescale", concat(bad.get("guidance-rescale"), "1.5"));
        bad.put("face", List.of("", "1,2,3", "a,b,c,d", "0,0,0,0", "-5,0,50,50", "0,0,99999,99999", "1,2,3,4,5", "NaN,0,10,10",
                "0,0,8,8"));
        bad.put("motion", List.of("", "1,1", "NaN,1,1", "5,1,1", "-1,0,0", "a,b,c", "Infinity,1,1"));
        bad.put("head-speed", List.of("", "0", "0:NaN", "1:1,0:1", "0:9", "x:y", "-1:1"));
        bad.put("background", List.of("zzzzzz", "", "#gg0000"));
        bad.put("audio-codec", List.of("mp3", "", "AAC "));
        bad.put("scheduler", List.of("ddim2", "", "DDIM", "euler;rm"));
        bad.put("provider", List.of("gpu", "cuda:x", "cuda:0", "", "cpu,,", "tensorrt:-1"));
        for (Map.Entry<String, List<String>> e : bad.entrySet()) {
            for (String v : e.getValue()) {
                c.add(refused("--" + e.getKey() + " '" + v + "'", out(".mp4"), render("--" + e.getKey(), v)));
            }
        }
        c.add(refusedNaming("unknown option", "--bogus", out(".mp4"), render("--bogus", "1")));
        c.add(refused("an option without its value", null, "render", "--portrait"));
        c.add(refused("a stray argument", out(".mp4"), render("stray")));
        c.add(refused("an unknown command", null, "paint"));
        c.add(refused("output that is not an mp4", out(".avi"), render()));
        c.add(refused("no output given", null, render()));
        c.add(refused("features of an unknown kind", out(".npy"), "features", "--audio", wav.toString(), "--kind", "mfcc"));
        c.add(refused("features at fps NaN", out(".npy"), "features", "--audio", wav.toString(), "--kind", "envelope", "--fps", "NaN"));
        c.add(refused("schedule without steps", null, "schedule", "--config", pack.resolve("manifest.json").toString()));
        return c;
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(more));
        return l;
    }

    private DynamicTest decoded(String name, Path file) {
        return rendered(name, out(".npy"), "features", "--audio", file.toString(), "--kind", "envelope");
    }

    private DynamicTest audioRefused(String name, Path file) {
        return refused(name, out(".npy"), "features", "--audio", file.toString(), "--kind", "envelope");
    }

    private List<DynamicTest> audioFiles() throws Exception {
        List<DynamicTest> c = new ArrayList<>();
        byte[] good = Files.readAllBytes(wav);
        for (int len : new int[] {0, 1, 4, 11, 12, 20, 36, 43, 44, 45}) {
            c.add(audioRefused("WAV cut to " + len + " bytes", input("cut" + len + ".wav", Arrays.copyOf(good, len))));
        }
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        Map<String, Consumer<ByteBuffer>> fields = new LinkedHashMap<>();
        fields.put("zero channels", b -> b.putShort(22, (short) 0));
        fields.put("65 channels", b -> b.putShort(22, (short) 65));
        fields.put("rate 0", b -> b.putInt(24, 0));
        fields.put("rate 999", b -> b.putInt(24, 999));
        fields.put("rate 2^31", b -> b.putInt(24, Integer.MIN_VALUE));
        fields.put("0-bit samples", b -> b.putShort(34, (short) 0));
        fields.put("7-bit samples", b -> b.putShort(34, (short) 7));
        fields.put("12-bit samples", b -> b.putShort(34, (short) 12));
        fields.put("ADPCM", b -> b.putShort(20, (short) 2));
        fields.put("format 0xFFFF", b -> b.putShort(20, (short) -1));
        fields.put("data claims 2 GB", b -> b.putInt(40, Integer.MAX_VALUE));
        fields.put("fmt chunk of 0 bytes", b -> b.putInt(16, 0));
        fields.put("fmt chunk of 5000 bytes", b -> b.putInt(16, 5000));
        fields.put("not WAVE", b -> b.put(8, (byte) 'X'));
        fields.put("no data chunk", b -> b.put(36, (byte) 'x'));
        for (Map.Entry<String, Consumer<ByteBuffer>> e : fields.entrySet()) {
            c.add(audioRefused("WAV with " + e.getKey(), input("f-" + e.getKey().replace(' ', '-') + ".wav", mutate(good, e.getValue(), le))));
        }
        c.add(audioRefused("RF64 whose ds64 claims a terabyte", input("huge.rf64.wav", rf64(good, 1L << 40))));
        c.add(audioRefused("RF64 whose ds64 size has the top bit set", input("neg.rf64.wav", rf64(good, -2))));
        c.add(audioRefused("AIFF whose COMM claims 2^31 frames", input("huge.aiff", aiff(0x80000000L))));
        c.add(audioRefused("AIFF cut inside its COMM chunk", input("cut.aiff", Arrays.copyOf(aiff(100), 20))));
        c.add(audioRefused("AU claiming 2 GB of data", input("huge.au", au(Integer.MAX_VALUE))));
        c.add(audioRefused("a 4-byte MP3 frame header", input("header.mp3", new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64})));
        c.add(audioRefused("an ID3 tag and nothing else", input("id3.mp3", "ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1))));
        c.add(audioRefused("an MP3 sync word then noise", input("noise.mp3", noise(new byte[] {(byte) 0xFF, (byte) 0xFB}, 4000, 1))));
        c.add(audioRefused("an empty file", input("empty.wav", new byte[0])));
        c.add(audioRefused("text called .wav", input("text.wav", "hello, I am not audio".getBytes(StandardCharsets.UTF_8))));
        c.add(audioRefused("a missing file", inputs.resolve("missing.wav")));
        c.add(audioRefused("a folder", Files.createDirectories(inputs.resolve("folder.wav"))));
        Path fifo = inputs.resolve("pipe.wav");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            c.add(audioRefused("a named pipe (features)", fifo));
            c.add(refused("a named pipe (render)", out(".mp4"), "render", "--portrait", png.toString(), "--audio", fifo.toString()));
            c.add(refused("a named pipe as portrait", out(".mp4"), "render", "--portrait", fifo.toString(), "--audio", wav.toString()));
        }
        c.add(audioRefused("a device", Path.of("/dev/zero")));
        c.addAll(mp4Cases());
        Random rnd = new Random(5);
        for (int k = 0; k < 12; k++) {
            byte[] b = good.clone();
            for (int j = 0; j < 6; j++) {
                b[rnd.nextInt(64)] = (byte) rnd.nextInt(256);
            }
            Path p = input("random" + k + ".wav", b);
            c.add(refusedOrDone("WAV header with random bytes #" + k, out(".npy"), "features", "--audio", p.toString(), "--kind", "envelope"));
        }
        return c;
    }

    private static byte[] noise(byte[] head, int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    /** An RF64 file whose ds64 chunk gives {@code dataSize} and whose data chunk says 0xFFFFFFFF. */
    private static byte[] rf64(byte[] wav, long dataSize) {
        ByteBuffer b = ByteBuffer.allocate(wav.length + 36).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RF64".getBytes(StandardCharsets.US_ASCII)).putInt(-1).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("ds64".getBytes(StandardCharsets.US_ASCII)).putInt(28).putLong(-1).putLong(dataSize).putLong(0).putInt(0);
        b.put(wav, 12, 24);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(-1);
        b.put(wav, 44, wav.length - 44);
        return Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] aiff(long frames) {
        ByteBuffer b = ByteBuffer.allocate(12 + 26 + 16 + 200).order(ByteOrder.BIG_ENDIAN);
        b.put("FORM".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8).put("AIFF".getBytes(StandardCharsets.US_ASCII));
        b.put("COMM".getBytes(StandardCharsets.US_ASCII)).putInt(18).putShort((short) 1).putInt((int) frames).putShort((short) 16);
        b.put(new byte[] {0x40, 0x0C, (byte) 0xFA, 0, 0, 0, 0, 0, 0, 0}); // 16000 as an 80-bit extended
        b.put("SSND".getBytes(StandardCharsets.US_ASCII)).putInt(208).putInt(0).putInt(0);
        return b.array();
    }

    private static byte[] au(int dataSize) {
        ByteBuffer b = ByteBuffer.allocate(24 + 100).order(ByteOrder.BIG_ENDIAN);
        b.put(".snd".getBytes(StandardCharsets.US_ASCII)).putInt(24).putInt(dataSize).putInt(3).putInt(16000).putInt(1);
        return b.array();
    }

    /** MP4s: a valid one written by emo4j and ffmpeg where it is installed, and hostile edits of it. */
    private List<DynamicTest> mp4Cases() throws Exception {
        List<DynamicTest> c = new ArrayList<>();
        Path video = outputs.resolve("base.mp4");
        Outcome made = run("render", "--portrait", png.toString(), "--audio", wav.toString(), "--pack", pack.toString(),
                "--face", "32,32,64,64", "--steps", "1", "--quiet", "--out", video.toString());
        assertEquals(0, made.code(), made.err());
        byte[] mp4 = Files.readAllBytes(video);
        Files.delete(video);
        Path base = input("base.mp4", mp4);
        c.add(refusedOrDone("an MP4 written by emo4j, as a voice", out(".npy"), "features", "--audio", base.toString(), "--kind", "envelope"));
        int moov = indexOf(mp4, "moov") - 4;
        int moovLen = ByteBuffer.wrap(mp4, moov, 4).getInt();
        // a child of moov with a 64-bit size of 0
        byte[] zeroChild = ByteBuffer.allocate(16).putInt(1).put("udta".getBytes(StandardCharsets.US_ASCII)).putLong(0).array();
        c.add(audioRefused("a moov child whose 64-bit size is 0", input("zero-child.mp4", insertIntoMoov(mp4, moov, moovLen, zeroChild))));
        // a box off the audio track's path is skipped by its size, however deep it nests
        c.add(decoded("100 000 nested atoms", input("nested.mp4", insertIntoMoov(mp4, moov, moovLen, nestedAtoms(100_000)))));
        // the tables of the audio track (the one after the 'soun' handler), which the demuxer reads
        int soun = indexOf(mp4, "soun");
        assertTrue(soun > 0, "emo4j's MP4 has an audio track");
        for (String table : List.of("stsz", "stco", "co64", "stsc")) {
            int at = indexOf(mp4, table, soun);
            if (at > 0) {
                int countAt = at + 4 + 4 + (table.equals("stsz") ? 4 : 0);
                byte[] b = mutate(mp4, x -> {
                    if (table.equals("stsz")) {
                        x.putInt(at + 8, 0);
                    }
                    x.putInt(countAt, Integer.MIN_VALUE);
                }, ByteOrder.BIG_ENDIAN);
                c.add(audioRefused("an '" + table + "' claiming 2^31 entries", input("table-" + table + ".mp4", b)));
            }
        }
        c.add(audioRefused("moov claiming to run past the file", input("long-moov.mp4",
                mutate(mp4, x -> x.putInt(moov, Integer.MAX_VALUE), ByteOrder.BIG_ENDIAN))));
        c.add(audioRefused("an MP4 with only its ftyp", input("ftyp.mp4", Arrays.copyOf(mp4, ByteBuffer.wrap(mp4).getInt()))));
        for (int k = 1; k <= 4; k++) {
            int cut = mp4.length * k / 5;
            c.add(refusedOrDone("an MP4 cut at " + (20 * k) + "%", out(".npy"), "features", "--audio",
                    input("cut" + k + ".mp4", Arrays.copyOf(mp4, cut)).toString(), "--kind", "envelope"));
        }
        Random rnd = new Random(9);
        for (int k = 0; k < 10; k++) {
            byte[] b = mp4.clone();
            for (int j = 0; j < 8; j++) {
                b[moov + rnd.nextInt(Math.min(moovLen, 4000))] = (byte) rnd.nextInt(256);
            }
            c.add(refusedOrDone("an MP4 header with random bytes #" + k, out(".npy"), "features", "--audio",
                    input("random" + k + ".mp4", b).toString(), "--kind", "envelope"));
        }
        return c;
    }

    /** {@code depth} empty 'udta' atoms, each the only child of the one before. */
    static byte[] nestedAtoms(int depth) {
        ByteBuffer nest = ByteBuffer.allocate(8 * depth);
        for (int k = 0; k < depth; k++) {
            nest.putInt(8 * (depth - k)).put("udta".getBytes(StandardCharsets.US_ASCII));
        }
        return nest.array();
    }

    /**
     * {@code child} inserted as the first box of {@code moov}; the chunk offsets ({@code stco}, {@code co64}) that point
     * past it are moved with the data, so the file stays as valid as it was.
     */
    static byte[] insertIntoMoov(byte[] mp4, int moov, int moovLen, byte[] child) {
        ByteBuffer b = ByteBuffer.allocate(mp4.length + child.length);
        b.put(mp4, 0, moov).putInt(moovLen + child.length).put(mp4, moov + 4, 4).put(child);
        b.put(mp4, moov + 8, mp4.length - moov - 8);
        byte[] out = b.array();
        int insertedAt = moov + 8;
        for (String table : List.of("stco", "co64")) {
            for (int at = indexOf(out, table, moov + 8 + child.length); at > 0 && at < moov + moovLen + child.length;
                 at = indexOf(out, table, at + 4)) {
                int entries = b.getInt(at + 8);
                for (int i = 0; i < entries; i++) {
                    if (table.equals("co64")) {
                        long o = b.getLong(at + 12 + 8 * i);
                        b.putLong(at + 12 + 8 * i, o >= insertedAt ? o + child.length : o);
                    } else {
                        int o = b.getInt(at + 12 + 4 * i);
                        b.putInt(at + 12 + 4 * i, o >= insertedAt ? o + child.length : o);
                    }
                }
            }
        }
        return out;
    }

    static int indexOf(byte[] b, String type) {
        return indexOf(b, type, 4);
    }

    /** Where {@code type} first appears at or after {@code from}, or -1. */
    static int indexOf(byte[] b, String type, int from) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = Math.max(4, from); i + 4 <= b.length; i++) {
            for (int j = 0; j < 4; j++) {
                if (b[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private DynamicTest portraitRefused(String name, Path file) {
        return refused(name, out(".mp4"), "render", "--portrait", file.toString(), "--audio", wav.toString(), "--pack", pack.toString(),
                "--face", "32,32,64,64", "--steps", "1");
    }

    private List<DynamicTest> images() throws Exception {
        List<DynamicTest> c = new ArrayList<>();
        byte[] good = Files.readAllBytes(png);
        for (int len : new int[] {0, 8, 16, 33, 50, 200}) {
            c.add(portraitRefused("PNG cut to " + len + " bytes", input("cut" + len + ".png", Arrays.copyOf(good, len))));
        }
        c.add(portraitRefused("a PNG claiming 100000x100000 pixels", input("bomb.png",
                mutate(good, b -> b.putInt(16, 100_000).putInt(20, 100_000), ByteOrder.BIG_ENDIAN))));
        c.add(portraitRefused("a PNG claiming 0x0 pixels", input("zero.png", mutate(good, b -> b.putInt(16, 0).putInt(20, 0), ByteOrder.BIG_ENDIAN))));
        Path tiny = inputs.resolve("tiny.png");
        ImageIO.write(portrait(8, 8, BufferedImage.TYPE_INT_RGB), "png", tiny.toFile());
        c.add(portraitRefused("an 8x8 portrait", tiny));
        c.add(portraitRefused("text called .png", input("text.png", "not an image".getBytes(StandardCharsets.UTF_8))));
        Path jpg = inputs.resolve("face.jpg");
        ImageIO.write(portrait(128, 128, BufferedImage.TYPE_INT_RGB), "jpg", jpg.toFile());
        byte[] jpeg = Files.readAllBytes(jpg);
        c.add(portraitRefused("a JPEG cut in its header", input("cut.jpg", Arrays.copyOf(jpeg, 100))));
        c.add(portraitRefused("a folder as portrait", Files.createDirectories(inputs.resolve("folder.png"))));
        c.add(portraitRefused("a missing portrait", inputs.resolve("missing.png")));
        Random rnd = new Random(3);
        for (int k = 0; k < 6; k++) {
            byte[] b = good.clone();
            for (int j = 0; j < 4; j++) {
                b[8 + rnd.nextInt(40)] = (byte) rnd.nextInt(256);
            }
            Path p = input("random" + k + ".png", b);
            c.add(refusedOrDone("PNG header with random bytes #" + k, out(".mp4"), "render", "--portrait", p.toString(),
                    "--audio", wav.toString(), "--pack", pack.toString(), "--face", "32,32,64,64", "--steps", "1"));
        }
        // odd but valid: each renders
        Map<String, BufferedImage> odd = new LinkedHashMap<>();
        odd.put("grey.png", portrait(128, 128, BufferedImage.TYPE_BYTE_GRAY));
        odd.put("alpha.png", portrait(128, 128, BufferedImage.TYPE_INT_ARGB));
        odd.put("palette.gif", portrait(128, 128, BufferedImage.TYPE_BYTE_INDEXED));
        odd.put("wide.bmp", portrait(300, 128, BufferedImage.TYPE_INT_RGB));
        odd.put("sixteen.png", portrait(128, 128, BufferedImage.TYPE_USHORT_GRAY));
        for (Map.Entry<String, BufferedImage> e : odd.entrySet()) {
            Path p = inputs.resolve(e.getKey());
            String format = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
            assertTrue(ImageIO.write(e.getValue(), format, p.toFile()), format);
            c.add(rendered("renders " + e.getKey(), out(".mp4"), "render", "--portrait", p.toString(), "--audio", wav.toString(),
                    "--pack", pack.toString(), "--face", "32,32,64,64", "--steps", "1"));
        }
        c.add(rendered("renders from a JPEG", out(".mp4"), "render", "--portrait", jpg.toString(), "--audio", wav.toString(),
                "--pack", pack.toString(), "--face", "32,32,64,64", "--steps", "1"));
        return c;
    }

    @SuppressWarnings("unchecked")
    private Path packWith(String name, Consumer<Map<String, Object>> edit) throws Exception {
        Path p = inputs.resolve("packs").resolve(name);
        Files.createDirectories(p);
        try (Stream<Path> files = Files.list(pack)) {
            for (Path f : files.toList()) {
                Files.copy(f, p.resolve(f.getFileName()));
            }
        }
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(p.resolve("manifest.json")));
        edit.accept(m);
        Files.writeString(p.resolve("manifest.json"), Json.write(m));
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> component(Map<String, Object> m, String role) {
        return (Map<String, Object>) ((Map<String, Object>) m.get("components")).get(role);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    private DynamicTest packRefused(String name, Path p) {
        return refused(name, null, "info", "--pack", p.toString());
    }

    /** A network that multiplies its input by NaN, with the procedural pack's names and shapes. */
    private static byte[] nanNetwork(String name, String in, String out, Object... dims) {
        GraphBuilder g = new GraphBuilder(name);
        String x = g.input(in, TensorType.FLOAT, dims);
        g.opNamed(out, "Mul", List.of(), x, g.scalar(Float.NaN));
        g.output(out, TensorType.FLOAT, dims);
        return g.build();
    }

    @SuppressWarnings("unchecked")
    private List<DynamicTest> packs() throws Exception {
        List<DynamicTest> c = new ArrayList<>();
        c.add(packRefused("a pack folder that does not exist", inputs.resolve("no-pack")));
        c.add(packRefused("a pack that is a file", wav));
        Path noManifest = Files.createDirectories(inputs.resolve("packs/empty"));
        c.add(packRefused("a pack without manifest", noManifest));
        Path badJson = packWith("bad-json", m -> { });
        Files.writeString(badJson.resolve("manifest.json"), "{\"format\": ");
        c.add(packRefused("a manifest that is not JSON", badJson));
        Path dup = packWith("duplicate", m -> { });
        Files.writeString(dup.resolve("manifest.json"), Files.readString(dup.resolve("manifest.json")).replaceFirst("\\{", "{\"name\": \"x\",\n"));
        c.add(refusedNaming("a manifest with a duplicate key", "duplicate key", null, "info", "--pack", dup.toString()));
        Path array = packWith("array", m -> { });
        Files.writeString(array.resolve("manifest.json"), "[1, 2]");
        c.add(packRefused("a manifest that is an array", array));
        c.add(packRefused("an unknown format", packWith("format", m -> m.put("format", "emo4j-pack/99"))));
        c.add(packRefused("an unknown role", packWith("role", m -> section(m, "components").put("teleporter", component(m, "vae_encoder")))));
        c.add(packRefused("a missing denoiser", packWith("no-unet", m -> section(m, "components").remove("denoising_unet"))));
        c.add(refusedNaming("a component path out of the pack", "leaves the pack folder", null, "info", "--pack",
                packWith("traversal", m -> component(m, "vae_encoder").put("file", "../outside/vae_encoder.onnx")).toString()));
        c.add(packRefused("an absolute component path", packWith("absolute", m -> component(m, "vae_encoder").put("file", "/etc/passwd"))));
        Path link = packWith("symlink", m -> component(m, "vae_encoder").put("file", "link.onnx"));
        Files.createSymbolicLink(link.resolve("link.onnx"), wav);
        c.add(packRefused("a component linked to outside the pack", link));
        c.add(packRefused("a missing component file", packWith("missing-file", m -> component(m, "vae_encoder").put("file", "gone.onnx"))));
        Path folderComponent = packWith("folder-component", m -> component(m, "vae_encoder").put("file", "sub"));
        Files.createDirectories(folderComponent.resolve("sub"));
        c.add(packRefused("a component that is a folder", folderComponent));
        Path garbage = packWith("garbage", m -> { });
        Files.write(garbage.resolve("vae_encoder.onnx"), noise(new byte[0], 5000, 4));
        c.add(packRefused("a component that is not ONNX", garbage));
        c.add(packRefused("a tensor shape the graph does not have", packWith("shape", m ->
                ((List<Map<String, Object>>) (List<?>) component(m, "vae_encoder").get("inputs")).get(0).put("shape", List.of(1.0, 7.0, 9.0, 9.0)))));
        c.add(packRefused("a tensor dtype the graph does not have", packWith("dtype", m ->
                ((List<Map<String, Object>>) (List<?>) component(m, "vae_encoder").get("inputs")).get(0).put("dtype", "int64"))));
        c.add(packRefused("an unknown scheduler class", packWith("sched-class", m -> section(m, "scheduler").put("_class_name", "MagicScheduler"))));
        c.add(packRefused("a negative steps_offset", packWith("sched-offset", m -> section(m, "scheduler").put("steps_offset", -1.0))));
        c.add(packRefused("a scheduler file that is missing", packWith("sched-file", m -> m.put("scheduler", "nowhere.json"))));
        c.add(packRefused("resolution 0", packWith("res0", m -> section(m, "settings").put("resolution", 0.0))));
        c.add(packRefused("clips of 0 frames", packWith("clip0", m -> section(m, "settings").put("clip_frames", 0.0))));
        c.add(packRefused("first_motion 'sideways'", packWith("first-motion", m -> section(m, "settings").put("first_motion", "sideways"))));
        c.add(packRefused("a context overlap of a whole clip", packWith("overlap", m -> section(m, "settings").put("context_overlap", 4.0))));
        c.add(packRefused("fps NaN as a string", packWith("fps", m -> section(m, "settings").put("fps", "NaN"))));
        int r = 32;
        Path nanDecoder = packWith("nan-decoder", m -> { });
        Files.write(nanDecoder.resolve("vae_decoder.onnx"), nanNetwork("vae_decoder", "latents", "pixels", "batch", 3, r, r));
        c.add(refusedNaming("a VAE decoder that outputs NaN", "vae_decoder", out(".mp4"), "render", "--portrait", png.toString(),
                "--audio", wav.toString(), "--pack", nanDecoder.toString(), "--face", "32,32,64,64", "--steps", "1"));
        Path nanEncoder = packWith("nan-encoder", m -> { });
        Files.write(nanEncoder.resolve("vae_encoder.onnx"), nanNetwork("vae_encoder", "pixels", "latents", "batch", 3, r, r));
        c.add(refusedNaming("a VAE encoder that outputs NaN", "vae_encoder", out(".mp4"), "render", "--portrait", png.toString(),
                "--audio", wav.toString(), "--pack", nanEncoder.toString(), "--face", "32,32,64,64", "--steps", "1"));
        Path nanAudio = packWith("nan-audio", m -> { });
        Files.write(nanAudio.resolve("audio_encoder.onnx"), nanNetwork("audio_encoder", "audio", "audio_features", "chunks", 640));
        c.add(refusedNaming("an audio encoder that outputs NaN", "audio_encoder", out(".mp4"), "render", "--portrait", png.toString(),
                "--audio", wav.toString(), "--pack", nanAudio.toString(), "--face", "32,32,64,64", "--steps", "1"));
        return c;
    }

    private List<DynamicTest> outputsThatAreInputs() throws Exception {
        List<DynamicTest> c = new ArrayList<>();
        Path voiceMp4 = inputs.resolve("voice-as.mp4");
        Files.copy(inputs.resolve("base.mp4"), voiceMp4);
        c.add(refusedNaming("--out is the voice", "same file", null, "render", "--portrait", png.toString(), "--audio",
                voiceMp4.toString(), "--out", voiceMp4.toString()));
        Files.createDirectories(inputs.resolve("sub"));
        c.add(refusedNaming("--out is the voice through sub/..", "same file", null, "render", "--portrait", png.toString(),
                "--audio", voiceMp4.toString(), "--out", inputs.resolve("sub/../voice-as.mp4").toString()));
        Path hard = inputs.resolve("hard-link.mp4");
        Files.createLink(hard, voiceMp4);
        c.add(refusedNaming("--out is a hard link to the voice", "same file", null, "render", "--portrait", png.toString(),
                "--audio", voiceMp4.toString(), "--out", hard.toString()));
        Path portraitMp4 = input("portrait-named.mp4", Files.readAllBytes(png));
        c.add(refusedNaming("--out is the portrait", "same file", null, "render", "--portrait", portraitMp4.toString(),
                "--audio", wav.toString(), "--out", portraitMp4.toString()));
        c.add(refusedNaming("features --out is the voice", "same file", null, "features", "--audio", wav.toString(), "--kind",
                "envelope", "--out", wav.toString()));
        c.add(refusedNaming("--out is a folder", "is a folder", null, render("--out", Files.createDirectories(outputs.resolve("folder.mp4")).toString())));
        c.add(refused("--out under /proc", null, render("--out", "/proc/emo4j-test/x.mp4")));
        c.add(refused("--out with a 300-character name", null, render("--out", outputs.resolve("a".repeat(300) + ".mp4").toString())));
        c.add(refused("--model-cache that is a file", out(".mp4"), render("--model-cache", wav.toString())));
        return c;
    }
}
