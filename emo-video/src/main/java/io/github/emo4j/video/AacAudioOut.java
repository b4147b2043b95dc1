package io.github.emo4j.video;

import io.github.emo4j.audio.Resampler;
import io.github.emo4j.video.aac.AacEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jcodec.common.AudioFormat;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

/**
 * AAC-LC by {@link AacEncoder}, 1024-sample frames handed to JCodec's muxer as ADTS (it strips the
 * headers and writes the {@code esds} from them). Audio at other rates is resampled to 48 kHz as the
 * frames need it, so that opening a video does not wait for the whole voice to be resampled. The
 * first 1024 input samples are dropped so that decoded audio lines up with the video, as
 * {@link AacEncoder} explains.
 */
final class AacAudioOut implements AudioOut {
    /** Target signal-to-noise ratio: transparent for speech at about 40 to 60 kbit/s mono. */
    static final double SNR_DB = 40;

    private final MuxerTrack track;
    private final AacEncoder encoder;
    private final Resampled audio;
    private final double ratio;
    private final float[] block = new float[1024];
    private long pos = 1024;
    private long frames;

    AacAudioOut(MP4Muxer muxer, float[] input, int inputRate) {
        int rate = inputRate == 44100 ? 44100 : 48000;
        this.audio = new Resampled(input, inputRate, rate);
        this.ratio = rate / (double) inputRate;
        this.encoder = new AacEncoder(rate, SNR_DB);
        this.track = muxer.addCompressedAudioTrack(Codec.AAC, AudioFormat.MONO_S16_LE(rate));
    }

    @Override
    public void writeUpTo(long sample) throws IOException {
        long due = Math.min(audio.length, Math.round(sample * ratio));
        // frame f is fed input [1024 (f+1), 1024 (f+2)) and decodes to output [1024 f, 1024 (f+1))
        while (pos - 1024 < due && pos < audio.length + 1024) {
            encodeNext();
        }
    }

    @Override
    public void finish() throws IOException {
        while (pos < audio.length + 1024) {
            encodeNext();
        }
    }

    private void encodeNext() throws IOException {
        audio.copy(pos, block);
        byte[] adts = encoder.encodeFrame(block);
        Packet p = Packet.createPacket(ByteBuffer.wrap(adts), frames * 1024, encoder.sampleRate(), 1024, frames,
                Packet.FrameType.KEY, null);
        track.addFrame(p);
        frames++;
        pos += 1024;
    }

    /**
     * The voice at the encoder's rate, made in order as frames ask for it: the resampler's output equals
     * {@link Resampler#process}'s, and only the part not yet encoded is kept.
     */
    private static final class Resampled {
        /** Input taken per resampling step. */
        private static final int PIECE = 8192;
        final long length;
        private final float[] input;
        private final Resampler.Stream stream;
        private int fed;
        private float[] buf = new float[PIECE * 4];
        private long bufStart;
        private int bufLen;

        Resampled(float[] input, int inputRate, int rate) {
            this.input = input;
            Resampler resampler = inputRate == rate ? null : Resampler.of(inputRate, rate);
            this.stream = resampler == null ? null : resampler.stream();
            this.length = resampler == null ? input.length : resampler.outputLength(input.length);
        }

        /** Writes samples {@code [from, from + block.length)} into {@code block}, zero past the end; {@code from} never decreases. */
        void copy(long from, float[] block) {
            if (stream == null) {
                for (int i = 0; i < block.length; i++) {
                    long j = from + i;
                    block[i] = j < length ? input[(int) j] : 0f;
                }
                return;
            }
            forget(from);
            long until = Math.min(length, from + block.length);
            while (bufStart + bufLen < until) {
                int n = Math.min(PIECE, input.length - fed);
                if (n > 0) {
                    stream.push(input, fed, n, this::keep);
                    fed += n;
                } else {
                    stream.finish(this::keep);
                    break;
                }
            }
            for (int i = 0; i < block.length; i++) {
                long j = from + i;
                block[i] = j < length && j < bufStart + bufLen ? buf[(int) (j - bufStart)] : 0f;
            }
        }

        private void keep(float[] samples, int offset, int count) {
            if (bufLen + count > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(2 * buf.length, bufLen + count));
            }
            System.arraycopy(samples, offset, buf, bufLen, count);
            bufLen += count;
        }

        /** Drops the samples before {@code from}. */
        private void forget(long from) {
            int drop = (int) Math.min(bufLen, from - bufStart);
            if (drop > 0) {
                System.arraycopy(buf, drop, buf, 0, bufLen - drop);
                bufLen -= drop;
                bufStart += drop;
            }
        }
    }
}
