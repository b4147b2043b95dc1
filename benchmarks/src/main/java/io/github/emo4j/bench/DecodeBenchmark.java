package io.github.emo4j.bench;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.AudioFiles;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding speed of each voice format, from a file on disk to mono floats (`AudioFiles.read`), on the
 * sample speech (12.2 s, 16 kHz mono) as ffmpeg encodes it. Times real time = ops/s × 12.2. Needs ffmpeg
 * (with libopus, libvorbis and libmp3lame) on the path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DecodeBenchmark {

    @Param({"wav", "mp3", "m4a", "alac", "flac", "opus-ogg", "opus-webm", "vorbis-ogg"})
    public String format;

    private EncodedSpeech speech;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<String> args = switch (format) {
            case "wav" -> List.of("-c:a", "pcm_s16le", "x.wav");
            case "mp3" -> List.of("-c:a", "libmp3lame", "-b:a", "64k", "x.mp3");
            case "m4a" -> List.of("-c:a", "aac", "-b:a", "64k", "x.m4a");
            case "flac" -> List.of("-c:a", "flac", "x.flac");
            case "alac" -> List.of("-c:a", "alac", "x.m4a");
            case "vorbis-ogg" -> List.of("-c:a", "libvorbis", "-q:a", "3", "x.ogg");
            case "opus-ogg" -> List.of("-c:a", "libopus", "-b:a", "32k", "x.opus");
            case "opus-webm" -> List.of("-c:a", "libopus", "-b:a", "32k", "x.webm");
            default -> throw new IllegalArgumentException(format);
        };
        speech = EncodedSpeech.encode(args.get(args.size() - 1), args.subList(0, args.size() - 1));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        speech.close();
    }

    /** The whole file to a mono clip at its own rate. */
    @Benchmark
    public AudioClip decode() throws Exception {
        return AudioFiles.read(speech.file);
    }
}
