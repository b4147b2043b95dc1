package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming path gives exactly the one-shot results, and long audio fits in a small heap. */
class StreamingTest {

    @TempDir
    Path dir;

    /** Writes {@code seconds} of 16-bit stereo speech-like audio at {@code rate}, block by block. */
    static void writeStereoWav(Path p, int rate, double seconds, long seed) throws IOException {
        long frames = Math.round(rate * seconds);
        long data = frames * 4;
        try (OutputStream out = Files.newOutputStream(p)) {
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes()).putInt((int) Math.min(0xFFFFFFFFL, 36 + data)).put("WAVE".getBytes());
            h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 2).putInt(rate).putInt(rate * 4)
                    .putShort((short) 4).putShort((short) 16);
            h.put("data".getBytes()).putInt((int) data);
            out.write(h.array());
            Random rnd = new Random(seed);
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < frames; i++) {
                double t = i / (double) rate;
                double env = Math.max(0, Math.sin(2 * Math.PI * 2.7 * t));
                double v = env * (0.3 * Math.sin(2 * Math.PI * 180 * t) + 0.05 * rnd.nextGaussian());
                short l = (short) Math.round(Math.max(-1, Math.min(1, v)) * 32767);
                short r = (short) Math.round(Math.max(-1, Math.min(1, 0.8 * v)) * 32767);
                b.putShort(l).putShort(r);
                if (!b.hasRemaining()) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
            }
            out.write(b.array(), 0, b.position());
        }
    }

    static float[] readNpy(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        int headerLen = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
        ByteBuffer b = ByteBuffer.wrap(all, 10 + headerLen, all.length - 10 - headerLen).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    @Test
    void streamingEqualsOneShotForEveryKind() throws Exception {
        Path wav = dir.resolve("talk.wav");
        writeStereoWav(wav, 44100, 7.3, 1);
        AudioClip clip = AudioFiles.read(wav);
        for (FeatureKind kind : FeatureKind.values()) {
            FeatureExtractor fx = new FeatureExtractor(kind, 30000 / 1001.0);
            FeatureExtractor.Features one = fx.compute(clip);
            Path npy = dir.resolve(kind.cliName() + ".npy");
            long[] shape = fx.writeNpy(wav, npy);
            assertArrayEquals(one.shape(), shape, kind.cliName());
            float[] streamed = readNpy(npy);
            assertArrayEquals(one.values(), streamed, kind.cliName() + " differs from the one-shot path");
        }
    }

    @Test
    void resamplerStreamEqualsOneShotWhateverTheChunking() {
        float[] x = new float[50_000];
        Random rnd = new Random(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        for (int[] rates : new int[][] {{44100, 16000}, {8000, 16000}, {48000, 16000}, {44101, 16000}}) {
            Resampler r = Resampler.of(rates[0], rates[1]);
            float[] one = r.process(x);
            float[] got = new float[one.length];
            int[] n = {0};
            Resampler.Stream s = r.stream();
            int pos = 0;
            while (pos < x.length) {
                int len = Math.min(x.length - pos, 1 + rnd.nextInt(3000));
                s.push(x, pos, len, (b, off, l) -> {
                    System.arraycopy(b, off, got, n[0], l);
                    n[0] += l;
                });
                pos += len;
            }
            s.finish((b, off, l) -> {
                System.arraycopy(b, off, got, n[0], l);
                n[0] += l;
            });
            assertEquals(one.length, n[0]);
            assertArrayEquals(one, got, rates[0] + " -> " + rates[1]);
        }
    }

    @Test
    void pausesAreFoundWhereTheVoiceStops() {
        int rate = 16000;
        float[] x = new float[rate * 4];
        for (int i = 0; i < x.length; i++) {
            double t = i / (double) rate;
            boolean speaking = t < 1.2 || t > 2.0 && t < 3.5;
            x[i] = speaking ? (float) (0.3 * Math.sin(2 * Math.PI * 220 * t)) : (float) (1e-4 * Math.sin(i));
        }
        var pauses = new PauseDetector(35, 0.3).pauses(new AudioClip(x, rate), 100);
        assertEquals(2, pauses.size(), pauses.toString());
        assertEquals(1.2, pauses.get(0).start(), 0.02);
        assertEquals(2.0, pauses.get(0).end(), 0.02);
        assertEquals(3.5, pauses.get(1).start(), 0.02);
    }

    @Test
    void causalNormalisationGivesTheSameValuesHoweverTheVoiceIsCutIntoWholeChunks() {
        float[] x = new float[16_000];
        Random rnd = new Random(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((i > 4000 ? 0.3 : 0.001) * rnd.nextGaussian());
        }
        float[] whole = x.clone();
        new Wav2VecInput.Causal(320).normalizeInPlace(whole);
        Wav2VecInput.Causal pieces = new Wav2VecInput.Causal(320);
        float[] cut = new float[x.length];
        for (int from = 0, n = 1; from < x.length; from += 320 * n, n = n % 7 + 1) {
            float[] piece = Arrays.copyOfRange(x, from, Math.min(x.length, from + 320 * n));
            pieces.normalizeInPlace(piece);
            System.arraycopy(piece, 0, cut, from, piece.length);
        }
        assertArrayEquals(whole, cut);
        // before the voice, the floor keeps the room's noise at its own small level
        assertTrue(Math.abs(whole[100]) < 0.5, "quiet start normalised to " + whole[100]);
    }
}
