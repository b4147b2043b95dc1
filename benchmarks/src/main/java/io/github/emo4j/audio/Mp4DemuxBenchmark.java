package io.github.emo4j.audio;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import io.github.emo4j.bench.EncodedSpeech;
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
 * emo4j's MP4 demuxer against JCodec's, which it replaced on the voice path, in one run: every sample
 * of the audio track of the sample speech (12.2 s) as ffmpeg writes it in M4A, AAC or ALAC, read into
 * memory and summed (so neither is optimised away). The decoders behind them are the same. Needs ffmpeg.
 * In package {@code io.github.emo4j.audio} to reach the package-private demuxer from the class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class Mp4DemuxBenchmark {

    @Param({"aac", "alac"})
    public String codec;

    private EncodedSpeech speech;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        speech = EncodedSpeech.encode("x.m4a", List.of("-c:a", codec.equals("aac") ? "aac" : "alac"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        speech.close();
    }

    @Benchmark
    public long emo4j() throws Exception {
        long sum = 0;
        try (Mp4Demuxer mp4 = Mp4Demuxer.open(speech.file)) {
            while (mp4.next()) {
                sum += mp4.length + mp4.bytes[0];
            }
        }
        return sum;
    }

    @Benchmark
    public long jcodec() throws Exception {
        long sum = 0;
        try (FileChannelWrapper ch = NIOUtils.readableChannel(speech.file.toFile())) {
            DemuxerTrack track = MP4Demuxer.createMP4Demuxer(ch).getAudioTracks().get(0);
            Packet p;
            byte[] bytes = new byte[0];
            while ((p = track.nextFrame()) != null) {
                ByteBuffer data = p.getData();
                if (bytes.length < data.remaining()) {
                    bytes = new byte[data.remaining()];
                }
                int n = data.remaining();
                data.get(bytes, 0, n);
                sum += n + bytes[0];
            }
        }
        return sum;
    }
}
