package io.github.emo4j.audio;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jcodec.codecs.mpa.Mp3Decoder;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp3.MPEGAudioDemuxer;
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
 * emo4j's MP3 decoder against JCodec's, which it replaced, in one run: the sample speech (12.2 s) as
 * LAME encodes it (JCodec cannot decode libshine's files at all), from the file to PCM. emo4j's mixes to
 * mono and trims the gapless padding; JCodec's loop only decodes, so it is the faster-looking side of the
 * comparison. × real time = ops/s × 12.2. Needs ffmpeg with libmp3lame.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class Mp3DecodeBenchmark {

    @Param({"44100-2-128k", "22050-1-48k"})
    public String format;

    private EncodedSpeech speech;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String[] f = format.split("-");
        speech = EncodedSpeech.encode("x.mp3", List.of("-ar", f[0], "-ac", f[1], "-c:a", "libmp3lame", "-b:a", f[2]));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        speech.close();
    }

    @Benchmark
    public AudioClip emo4j() throws Exception {
        return CompressedAudioDecoder.decodeMp3(speech.file);
    }

    @Benchmark
    public long jcodec() throws Exception {
        long sum = 0;
        try (FileChannelWrapper ch = NIOUtils.readableChannel(speech.file.toFile())) {
            MPEGAudioDemuxer demux = new MPEGAudioDemuxer(ch);
            Mp3Decoder decoder = new Mp3Decoder();
            ByteBuffer pcm = ByteBuffer.allocate(1152 * 2 * 2 * 2);
            Packet p;
            while ((p = demux.nextFrame()) != null) {
                pcm.clear();
                sum += decoder.decodeFrame(p.getData(), pcm).getData().remaining();
            }
        }
        return sum;
    }
}
