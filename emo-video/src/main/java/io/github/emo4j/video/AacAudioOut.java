package io.github.emo4j.video;

import io.github.emo4j.audio.Resampler;
import io.github.emo4j.video.aac.AacEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.jcodec.common.AudioFormat;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

/**
 * AAC-LC by {@link AacEncoder}, 1024-sample frames handed to JCodec's muxer as ADTS (it strips the
 * headers and writes the {@code esds} from them). Audio at other rates is resampled to 48 kHz as the
 * frames need it, so that opening a video does not wait for the whole voice to be resampled, and
 * encoded as the video's frames arrive ({@link #prepareUpTo}), so that what is left when the last frame
 * is encoded is writing, not encoding. The
 * first 1024 input samples are dropped so that decoded audio lines up with the video, as
 * {@link AacEncoder} explains.
 */
final class AacAudioOut implements AudioOut {
    /** Target signal-to-noise ratio: transparent for speech at about 40 to 60 kbit/s mono. */
    static final double SNR_DB = 40;
    /** Input resampled at a time, as the frames need it. */
    private static final int PIECE = 8192;

    private final MuxerTrack track;
    private final AacEncoder encoder;
    /** The voice to encode, all of it. */
    private final float[] input;
    /** How many of its samples have gone into {@link #audio}. */
    private int fed;
    /** Its length at the encoder's rate. */
    private final long length;
    private final VoiceWindow audio;
    private final double ratio;
    private final float[] block = new float[1024];
    /** Input position of the next frame to write to the track. */
    private long pos = 1024;
    /** Frames encoded ahead of the video, as ADTS: at most the audio of the video frames not yet muxed. */
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private long frames;

    AacAudioOut(MP4Muxer muxer, float[] input, int inputRate) {
        int rate = inputRate == 44100 ? 44100 : 48000;
        Resampler resampler = inputRate == rate ? null : Resampler.of(inputRate, rate);
        this.input = input;
        this.length = resampler == null ? input.length : resampler.outputLength(input.length);
        this.audio = new VoiceWindow(resampler);
        this.ratio = rate / (double) inputRate;
        this.encoder = new AacEncoder(rate, SNR_DB);
        this.track = muxer.addCompressedAudioTrack(Codec.AAC, AudioFormat.MONO_S16_LE(rate));
    }

    @Override
    public void prepareUpTo(long sample) {
        long due = Math.min(length, Math.round(sample * ratio));
        while (encodedPos() - 1024 < due && encodedPos() < length + 1024) {
            encodeNext();
        }
    }

    /** Input position of the next frame to encode: the frames from {@link #pos} to it wait in {@link #ready}. */
    private long encodedPos() {
        return pos + 1024L * ready.size();
    }

    @Override
    public void writeUpTo(long sample) throws IOException {
        long due = Math.min(length, Math.round(sample * ratio));
        // frame f is fed input [1024 (f+1), 1024 (f+2)) and decodes to output [1024 f, 1024 (f+1))
        while (pos - 1024 < due && pos < length + 1024) {
            writeNext();
        }
    }

    @Override
    public void finish() throws IOException {
        while (pos < length + 1024) {
            writeNext();
        }
    }

    private void writeNext() throws IOException {
        if (ready.isEmpty()) {
            encodeNext();
        }
        Packet p = Packet.createPacket(ByteBuffer.wrap(ready.poll()), frames * 1024, encoder.sampleRate(), 1024, frames,
                Packet.FrameType.KEY, null);
        track.addFrame(p);
        frames++;
        pos += 1024;
    }

    /** Encodes the frame at {@link #encodedPos()} into {@link #ready}. */
    private void encodeNext() {
        long at = encodedPos();
        long until = Math.min(length, at + block.length);
        while (audio.arrived() < until && fed < input.length) {
            int n = Math.min(PIECE, input.length - fed);
            audio.push(input, fed, n);
            fed += n;
            if (fed == input.length) {
                audio.end();
            }
        }
        audio.forgetBefore(at);
        audio.read(at, block);
        ready.add(encoder.encodeFrame(block));
    }
}
