package io.github.emo4j.audio;

import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.jcodec.codecs.mpa.Mp3Decoder;
import org.jcodec.common.AudioFormat;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.AudioBuffer;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp3.MPEGAudioDemuxer;

/**
 * MP3 through the decoder JCodec ships, and AAC-LC and ALAC in MP4/M4A (demuxed by emo4j's own
 * {@link Mp4Demuxer}) through emo4j's own {@link AacDecoder} and {@link AlacDecoder}, mixed down to mono. Decoded
 * output grows as it is produced, never from a size a header claims, and decoder failures on corrupt
 * streams become {@link AudioException}s.
 */
final class CompressedAudioDecoder {

    static {
        JcodecLogging.install();
    }

    private CompressedAudioDecoder() {
    }

    /**
     * Decodes an MPEG-1/2 Layer III stream, gapless where a LAME tag says the delay and padding.
     *
     * @param file the file
     * @return the clip, mono
     * @throws AudioException if no frame decodes, the data is malformed, or the audio is too long for the heap
     */
    public static AudioClip decodeMp3(Path file) throws AudioException {
        try (FileChannelWrapper ch = NIOUtils.readableChannel(file.toFile())) {
            MPEGAudioDemuxer demux = new MPEGAudioDemuxer(ch);
            DemuxerTrackMeta meta = demux.getMeta();
            if (meta == null || meta.getAudioCodecMeta() == null) {
                throw new AudioException(file, "no MPEG audio frames found");
            }
            if (meta.getCodec() != Codec.MP3) {
                throw new AudioException(file, "only MPEG Layer III is supported, not " + meta.getCodec());
            }
            int rate = meta.getAudioCodecMeta().getSampleRate();
            Mp3Decoder decoder = new Mp3Decoder();
            ByteBuffer pcm = ByteBuffer.allocate(1152 * 2 * 2 * 2);
            MonoSamples out = new MonoSamples(file);
            Packet p;
            int channels = 0;
            boolean first = true;
            int[] gap = null;
            // JCodec's demuxer can return empty packets forever on garbage; a real frame has at least
            // 24 bytes, so no file holds more frames than this
            long budget = ch.size() / 24 + 16;
            long frameTotal = 0;
            while ((p = demux.nextFrame()) != null) {
                if (--budget < 0) {
                    throw new AudioException(file, "no valid MPEG audio frames (corrupt stream)");
                }
                frameTotal += p.getData().remaining();
                if (p.getData().remaining() < 4 || p.getData().remaining() < frameBytes(p.getData()) || frameTotal > ch.size()) {
                    // a frame cut short by the end of the file holds no whole granule (JCodec pads it)
                    continue;
                }
                if (first) {
                    first = false;
                    gap = lameGap(p.getData());
                    if (gap != null) {
                        continue; // the Xing/Info frame carries metadata, not audio
                    }
                }
                if (channels == 0) {
                    channels = decoder.getCodecMeta(p.getData().duplicate()).getChannelCount();
                }
                pcm.clear();
                AudioBuffer b = decoder.decodeFrame(p.getData(), pcm);
                addInterleaved16(file, out, b.getData(), channels, rate);
            }
            if (gap != null) {
                // gapless playback: drop the encoder delay plus the decoder's own 529 samples, and the padding
                out.trim(gap[0] + DECODER_DELAY, Math.max(0, gap[1] - DECODER_DELAY));
            }
            return toClip(file, out, rate);
        } catch (AudioException e) {
            throw e;
        } catch (IOException e) {
            throw new AudioException(file, "cannot decode MP3: " + describe(e), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AudioException(file, "malformed MP3 data: the decoder could not go on", e);
        }
    }

    private static final int[] MPEG1_KBPS = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
    private static final int[] MPEG2_KBPS = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0};
    private static final int[] MPEG1_RATES = {44100, 48000, 32000, 0};

    /**
     * The length a Layer III frame's header gives it (ISO/IEC 11172-3 and 13818-3): 144 (MPEG-1) or 72
     * (MPEG-2 and 2.5) × bit rate / sample rate, plus the padding byte; 0 where the header does not say
     * (free format, reserved values).
     */
    static int frameBytes(ByteBuffer frame) {
        int h = frame.getInt(frame.position());
        int version = h >>> 19 & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        int kbps = (version == 3 ? MPEG1_KBPS : MPEG2_KBPS)[h >>> 12 & 15];
        int rate = MPEG1_RATES[h >>> 10 & 3] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        if ((h >>> 21 & 0x7FF) != 0x7FF || version == 1 || kbps == 0 || rate == 0) {
            return 0;
        }
        return (version == 3 ? 144_000 : 72_000) * kbps / rate + (h >>> 9 & 1);
    }

    /**
     * Decodes the first audio track of an MP4/M4A file, AAC or ALAC, demuxed by {@link Mp4Demuxer}; AAC's
     * priming samples are skipped as the edit list says.
     *
     * @param file the file
     * @return the clip, mono
     * @throws AudioException if the boxes are malformed or hostile, there is no AAC or ALAC track, or the audio
     *                        is too long for the heap
     */
    public static AudioClip decodeMp4(Path file) throws AudioException {
        return decodeMp4(file, null);
    }

    /** {@link #decodeMp4(Path)}, handing {@code usage} the AAC tools' use counts when done (for tests). */
    static AudioClip decodeMp4(Path file, java.util.function.Consumer<long[]> usage) throws AudioException {
        try (Mp4Demuxer mp4 = Mp4Demuxer.open(file)) {
            if (mp4.codec() == Mp4Demuxer.Codec.ALAC) {
                return decodeAlac(file, mp4, new AlacDecoder(file, mp4.config()));
            }
            AacDecoder decoder = new AacDecoder(file, mp4.config());
            int rate = decoder.rate();
            MonoSamples out = new MonoSamples(file);
            float[] pcm = new float[AacDecoder.FRAME];
            while (mp4.next()) {
                decoder.decode(mp4.bytes, 0, mp4.length, pcm);
                out.add(pcm, AacDecoder.FRAME, rate);
            }
            if (usage != null) {
                usage.accept(decoder.usage.clone());
            }
            // the edit list says where presentation starts: skip the encoder's priming samples
            long priming = mp4.primingAt(rate);
            if (priming > 0 && priming < Integer.MAX_VALUE) {
                out.trim((int) priming, 0);
            }
            return toClip(file, out, rate);
        } catch (AudioException e) {
            throw e;
        } catch (IOException e) {
            throw new AudioException(file, "cannot decode MP4 audio: " + describe(e), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AudioException(file, "malformed MP4 audio data: the decoder could not go on", e);
        }
    }

    /** Apple Lossless: every packet through {@link AlacDecoder}; no priming, nothing to trim. */
    private static AudioClip decodeAlac(Path file, Mp4Demuxer mp4, AlacDecoder decoder) throws IOException {
        MonoSamples out = new MonoSamples(file);
        float[] pcm = new float[decoder.frameLength];
        while (mp4.next()) {
            java.util.Arrays.fill(pcm, 0f);
            int samples = decoder.decode(mp4.bytes, mp4.length, pcm);
            out.add(pcm, samples, decoder.rate);
        }
        return toClip(file, out, decoder.rate);
    }

    /** Samples of delay every MPEG Layer III decoder adds (the polyphase filterbank and the MDCT overlap). */
    static final int DECODER_DELAY = 529;

    /**
     * The encoder delay and padding from a first frame holding a Xing/Info header with a LAME tag, or
     * {@code null} when the frame is ordinary audio. A Xing/Info frame without a LAME tag gives {0, 0}.
     */
    static int[] lameGap(ByteBuffer frame) {
        ByteBuffer b = frame.duplicate();
        int start = b.position();
        if (b.remaining() < 40) {
            return null;
        }
        int h = b.getInt(start);
        boolean mpeg1 = (h >> 19 & 3) == 3;
        boolean mono = (h >> 6 & 3) == 3;
        boolean crc = (h >> 16 & 1) == 0;
        int side = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int tag = start + 4 + (crc ? 2 : 0) + side;
        if (tag + 8 > b.limit()) {
            return null;
        }
        String id = "" + (char) b.get(tag) + (char) b.get(tag + 1) + (char) b.get(tag + 2) + (char) b.get(tag + 3);
        if (!id.equals("Xing") && !id.equals("Info")) {
            return null;
        }
        int flags = b.getInt(tag + 4);
        int at = tag + 8;
        if ((flags & 1) != 0) {
            at += 4;
        }
        if ((flags & 2) != 0) {
            at += 4;
        }
        if ((flags & 4) != 0) {
            at += 100;
        }
        if ((flags & 8) != 0) {
            at += 4;
        }
        if (at + 24 > b.limit()) {
            return new int[] {0, 0};
        }
        // LAME writes "LAME3.x"; ffmpeg's encoder writes the same tag under "Lavc"/"Lavf"
        boolean lame = b.get(at) == 'L' && (b.get(at + 1) == 'A' && b.get(at + 2) == 'M' && b.get(at + 3) == 'E'
                || b.get(at + 1) == 'a' && b.get(at + 2) == 'v');
        if (!lame) {
            return new int[] {0, 0};
        }
        int d = (b.get(at + 21) & 0xFF) << 16 | (b.get(at + 22) & 0xFF) << 8 | (b.get(at + 23) & 0xFF);
        return new int[] {d >>> 12, d & 0xFFF};
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Interleaved 16-bit output of JCodec's MP3 decoder, mixed to mono. */
    private static void addInterleaved16(Path file, MonoSamples out, ByteBuffer pcm, int channels, int rate) throws AudioException {
        if (channels < 1 || channels > WavDecoder.MAX_CHANNELS) {
            throw new AudioException(file, "decoder reports " + channels + " channels");
        }
        ByteBuffer b = pcm.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int frames = b.remaining() / (2 * channels);
        float[] data = out.room(frames, rate);
        int at = b.position(), to = out.size();
        for (int i = 0; i < frames; i++) {
            float s = 0;
            for (int c = 0; c < channels; c++) {
                s += b.getShort(at + 2 * (i * channels + c));
            }
            data[to + i] = s / (32768f * channels);
        }
        out.added(frames);
    }

    /** The whole decoded voice, refused when empty or at a rate out of range. */
    private static AudioClip toClip(Path file, MonoSamples out, int rate) throws AudioException {
        if (out.size() == 0) {
            throw new AudioException(file, "contains no decodable audio frames");
        }
        if (rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
            throw new AudioException(file, "unsupported sample rate " + rate + " Hz");
        }
        return out.clip(0, out.size(), rate);
    }
}
