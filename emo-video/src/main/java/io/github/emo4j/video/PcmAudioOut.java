package io.github.emo4j.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jcodec.common.AudioFormat;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.containers.mp4.muxer.PCMMP4MuxerTrack;

/** 16-bit little-endian PCM ({@code sowt}) in half-second chunks. */
final class PcmAudioOut implements AudioOut {
    private final PCMMP4MuxerTrack track;
    private final float[] audio;
    private final int rate;
    private int written;

    PcmAudioOut(MP4Muxer muxer, float[] audio, int rate) {
        this.track = muxer.addPCMAudioTrack(AudioFormat.MONO_S16_LE(rate));
        this.audio = audio;
        this.rate = rate;
    }

    @Override
    public void writeUpTo(long sample) throws IOException {
        long due = Math.min(audio.length, sample);
        if (due - written >= rate / 2 || due == audio.length) {
            write((int) due);
        }
    }

    @Override
    public void finish() throws IOException {
        write(audio.length);
    }

    private void write(int upTo) throws IOException {
        int n = upTo - written;
        if (n <= 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = written; i < upTo; i++) {
            float v = Math.max(-1f, Math.min(1f, audio[i]));
            b.putShort((short) Math.round(v * 32767f));
        }
        b.flip();
        track.addSamples(b);
        written = upTo;
    }
}
