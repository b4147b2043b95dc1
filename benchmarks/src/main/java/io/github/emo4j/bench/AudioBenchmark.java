package io.github.emo4j.bench;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.Resampler;
import io.github.emo4j.audio.AudioFiles;
import io.github.emo4j.audio.WhisperLogMel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audio front-end on one thread. Each operation processes {@value #SECONDS} s of audio, so the
 * score in ops/s times {@value #SECONDS} is the speed in × realtime.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AudioBenchmark {

    static final int SECONDS = 10;

    private Path wav;
    private float[] audio44k;
    private float[] audio16k;
    private Resampler resampler;
    private WhisperLogMel mel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int rate = 44100;
        audio44k = new float[rate * SECONDS];
        Random rnd = new Random(1);
        for (int i = 0; i < audio44k.length; i++) {
            audio44k[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.05 * rnd.nextGaussian());
        }
        audio16k = Resampler.of(rate, 16000).process(audio44k);
        resampler = Resampler.of(rate, 16000);
        mel = new WhisperLogMel(80);
        wav = Files.createTempFile("emo-bench", ".wav");
        ByteBuffer b = ByteBuffer.allocate(44 + audio44k.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + audio44k.length * 4).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 2).putInt(rate).putInt(rate * 4)
                .putShort((short) 4).putShort((short) 16).put("data".getBytes()).putInt(audio44k.length * 4);
        for (float v : audio44k) {
            short s = (short) (v * 32767);
            b.putShort(s).putShort(s);
        }
        Files.write(wav, b.array());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Files.deleteIfExists(wav);
    }

    /** 16-bit stereo 44.1 kHz WAV from disk to mono floats, through the public reader (format sniffing included). */
    @Benchmark
    public AudioClip decodeWav() throws Exception {
        return AudioFiles.read(wav);
    }

    /** 44.1 kHz to 16 kHz, band-limited. */
    @Benchmark
    public float[] resample44kTo16k() {
        return resampler.process(audio44k);
    }

    /** Whisper's 80-band log-mel of 16 kHz audio. */
    @Benchmark
    public float[][] whisperLogMel80() {
        return mel.compute(audio16k);
    }
}
