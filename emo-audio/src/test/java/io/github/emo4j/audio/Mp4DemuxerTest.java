package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MP4 demuxer on the stored AAC and ALAC files (ffmpeg's, fixtures/PROVENANCE.md), on the hostile
 * files that used to exhaust the heap or hang JCodec's demuxer (rebuilt here by editing the stored
 * files), on fragmented files ffmpeg writes, and on a seeded mutation corpus.
 */
class Mp4DemuxerTest {
    @TempDir
    Path dir;

    private byte[] fixture(String name) throws Exception {
        try (var in = getClass().getResourceAsStream("fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Where box {@code type} starts (its size field), searching {@code b} from the start; -1 if absent. */
    static int find(byte[] b, String type) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 4; i + 4 <= b.length; i++) {
            if (b[i] == t[0] && b[i + 1] == t[1] && b[i + 2] == t[2] && b[i + 3] == t[3]) {
                return i - 4;
            }
        }
        return -1;
    }

    /** The file with the first {@code stsz} entry set to {@code size}. */
    private static byte[] withFirstSampleSize(byte[] good, int size) {
        byte[] b = good.clone();
        int stsz = find(b, "stsz");
        assertTrue(stsz > 0);
        ByteBuffer buf = ByteBuffer.wrap(b);
        assertEquals(0, buf.getInt(stsz + 12), "the fixture lists its sample sizes");
        buf.putInt(stsz + 20, size);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"speech-aac.m4a", "speech-alac.m4a"})
    void aSampleSizeOfTwoGigabytesIsRefusedAtOnce(String name) throws Exception {
        byte[] good = fixture(name);
        for (int size : new int[] {0x7FFFFFF0, 0x7FFFFFFF, 0xFFFFFFFF}) {
            Path f = write(Integer.toHexString(size) + "-" + name, withFirstSampleSize(good, size));
            AudioException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(AudioException.class, () -> AudioFiles.read(f)));
            assertTrue(e.getMessage().startsWith(f + ": MP4 sample of " + Integer.toUnsignedString(size)
                    + " bytes is larger than any AAC or ALAC frame"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"speech-aac.m4a", "speech-alac.m4a"})
    void metadataIsSkippedByItsSizeEvenWhenItsInsidesAreBroken(String name) throws Exception {
        byte[] good = fixture(name);
        AudioClip expected = AudioFiles.read(write("good-" + name, good));
        // a udta/meta/ilst whose ilst claims 925774128 bytes (JCodec looped on it, logging without end)
        byte[] withMeta = insertIntoMoov(good, udtaWithBrokenIlst());
        Path f = write("ilst-" + name, withMeta);
        AudioClip clip = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> AudioFiles.read(f));
        assertArrayEquals(expected.samples(), clip.samples(), 0f);
    }

    /** {@code udta} holding {@code meta} holding an {@code ilst} whose size is 925774128. */
    private static byte[] udtaWithBrokenIlst() {
        ByteBuffer ilst = ByteBuffer.allocate(24).putInt(925_774_128).put("ilst".getBytes(StandardCharsets.ISO_8859_1))
                .putInt(16).put("\u00a9too".getBytes(StandardCharsets.ISO_8859_1)).putInt(0).putInt(0);
        ByteBuffer meta = ByteBuffer.allocate(12 + 24).putInt(36).put("meta".getBytes(StandardCharsets.ISO_8859_1)).putInt(0)
                .put(ilst.array());
        return ByteBuffer.allocate(8 + 36).putInt(44).put("udta".getBytes(StandardCharsets.ISO_8859_1)).put(meta.array()).array();
    }

    /** {@code good} with {@code box} appended to the end of its {@code moov}, moov's size and the chunk offsets after it moved. */
    private static byte[] insertIntoMoov(byte[] good, byte[] box) {
        int moov = find(good, "moov");
        int moovSize = ByteBuffer.wrap(good).getInt(moov);
        int at = moov + moovSize;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(good, 0, at);
        out.writeBytes(box);
        out.write(good, at, good.length - at);
        byte[] b = out.toByteArray();
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(moov, moovSize + box.length);
        // the data (mdat) after moov moved: shift the chunk offsets that point past the insertion
        int stco = find(b, "stco");
        if (stco > 0 && stco < at) {
            int n = buf.getInt(stco + 12);
            for (int i = 0; i < n; i++) {
                int o = buf.getInt(stco + 16 + 4 * i);
                if (o >= at) {
                    buf.putInt(stco + 16 + 4 * i, o + box.length);
                }
            }
        }
        return b;
    }

    @Test
    void brokenIndexesAreRefusedByName() throws Exception {
        byte[] good = fixture("speech-aac.m4a");
        Map<String, byte[]> cases = new TreeMap<>();
        ByteBuffer g = ByteBuffer.wrap(good);
        int stsz = find(good, "stsz"), stco = find(good, "stco"), stsc = find(good, "stsc"), moov = find(good, "moov");
        cases.put("stsz count 2^31", with(good, stsz + 16, 0x7FFFFFFF));
        cases.put("stco count 2^31", with(good, stco + 12, 0x7FFFFFFF));
        cases.put("stsc count 2^31", with(good, stsc + 12, 0x7FFFFFFF));
        cases.put("stsc count 0", with(good, stsc + 12, 0));
        cases.put("chunk offset past the end", with(good, stco + 16, good.length - 4));
        cases.put("moov claims 2 GB", with(good, moov, 0x7FFFFFF0));
        cases.put("moov size 3", with(good, moov, 3));
        cases.put("no moov", with(good, moov + 4, 0x66726565));
        cases.put("cut in mdat", java.util.Arrays.copyOf(good, good.length - 200));
        cases.put("esds tag wrong", with(good, find(good, "esds") + 12, 0x09000000 | (g.getInt(find(good, "esds") + 12) & 0xFFFFFF)));
        cases.put("all samples at one offset", sameOffsetEverywhere(good));
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path f = write(c.getKey().replace(' ', '-') + ".m4a", c.getValue());
            AudioException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(AudioException.class, () -> AudioFiles.read(f), c.getKey()), c.getKey());
            assertTrue(e.getMessage().startsWith(f + ": "), c.getKey() + ": " + e.getMessage());
        }
    }

    private static byte[] with(byte[] good, int at, int value) {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putInt(at, value);
        return b;
    }

    /** Every chunk at the first chunk's offset, and one sample a chunk: the index claims the same bytes again and again. */
    private static byte[] sameOffsetEverywhere(byte[] good) {
        byte[] b = good.clone();
        ByteBuffer buf = ByteBuffer.wrap(b);
        int stco = find(b, "stco");
        int n = buf.getInt(stco + 12);
        int first = buf.getInt(stco + 16);
        for (int i = 0; i < n; i++) {
            buf.putInt(stco + 16 + 4 * i, first);
        }
        // a fixed sample size of the whole file's length: every sample covers all of it
        int stsz = find(b, "stsz");
        buf.putInt(stsz + 12, b.length - first);
        return b;
    }

    /** ffmpeg's fragmented MP4 (empty moov, a moof per fragment, as MediaRecorder and live streams write): as ffmpeg decodes it. */
    @ParameterizedTest
    @ValueSource(strings = {"aac", "alac"})
    void fragmentedFilesDecodeAsFfmpegDecodesThem(String codec) throws Exception {
        assumeTrue(ffmpeg(), "ffmpeg is not installed");
        Path source = write("speech.m4a", fixture("speech-" + codec + ".m4a"));
        Path frag = dir.resolve("frag-" + codec + ".m4a");
        run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", source.toString(), "-c:a", "copy",
                "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "500000", frag.toString());
        byte[] bytes = Files.readAllBytes(frag);
        assertTrue(find(bytes, "moof") > 0 && find(bytes, "trun") > 0, "ffmpeg wrote fragments");
        AudioClip ours = AudioFiles.read(frag);
        AudioClip whole = AudioFiles.read(source);
        AudioClip theirs = FfmpegDecoding.mono(frag, 1, ours.sampleRate());
        if (codec.equals("alac")) {
            assertArrayEquals(whole.samples(), ours.samples(), 0f);
            assertEquals(theirs.samples().length, ours.samples().length);
        } else {
            assertTrue(Math.abs(ours.durationSeconds() - theirs.durationSeconds()) <= theirs.durationSeconds() / 100,
                    ours.durationSeconds() + " s against " + theirs.durationSeconds() + " s");
            double distance = LogMelDistance.between(ours, theirs);
            assertTrue(distance < 0.05, "log-mel distance " + distance);
        }
    }

    /**
     * 1,200 seeded mutations of the AAC and ALAC files (bit flips, 32-bit fields set to 0, 1, 2^31 - 1 and
     * -1, cuts, zeroed and repeated regions): each ends in a clip or a refusal naming the file, within 2 s.
     */
    @Test
    void aSeededMutationCorpusEndsInAClipOrARefusal() throws Exception {
        List<String> outcomes = new ArrayList<>();
        int decoded = 0, refused = 0;
        for (String name : List.of("speech-aac.m4a", "speech-alac.m4a")) {
            byte[] good = fixture(name);
            Random rnd = new Random(name.hashCode());
            for (int trial = 0; trial < 600; trial++) {
                byte[] bad = mutate(good, rnd);
                Path f = write("fuzz.m4a", bad);
                long t0 = System.nanoTime();
                try {
                    AudioFiles.read(f);
                    decoded++;
                } catch (AudioException e) {
                    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
                    refused++;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (ms > 2_000) {
                    outcomes.add(name + " trial " + trial + " took " + ms + " ms");
                }
            }
        }
        assertEquals(List.of(), outcomes);
        assertEquals(1200, decoded + refused);
        System.out.println("mp4 mutations: " + decoded + " decoded, " + refused + " refused");
    }

    /** One mutation, three times in four inside {@code moov}, where the index lives. */
    static byte[] mutate(byte[] good, Random rnd) {
        byte[] b = good.clone();
        ByteBuffer buf = ByteBuffer.wrap(b);
        int moov = find(b, "moov");
        boolean index = rnd.nextInt(4) > 0;
        int lo = index ? moov : 0;
        int hi = index ? moov + buf.getInt(moov) : b.length;
        int at = lo + rnd.nextInt(Math.max(1, hi - lo - 4));
        switch (rnd.nextInt(6)) {
            case 0 -> {
                for (int k = 0; k <= rnd.nextInt(4); k++) {
                    int p = lo + rnd.nextInt(hi - lo);
                    b[p] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> buf.putInt(at, new int[] {0, 1, 0x7FFFFFFF, -1, 0x7FFFFFF0, 8}[rnd.nextInt(6)]);
            case 2 -> {
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 3 -> java.util.Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(64)), (byte) 0);
            case 4 -> {
                int len = Math.min(hi - at, 1 + rnd.nextInt(64));
                int to = lo + rnd.nextInt(Math.max(1, hi - lo - len));
                System.arraycopy(good, at, b, to, len);
            }
            default -> buf.putInt(at, buf.getInt(at) + rnd.nextInt(17) - 8);
        }
        return b;
    }

    private static boolean ffmpeg() {
        try {
            return new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + log);
    }
}
