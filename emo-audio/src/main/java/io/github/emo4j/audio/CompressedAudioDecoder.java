package io.github.emo4j.audio;

import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.jcodec.codecs.mpa.Mp3Decoder;
import org.jcodec.common.AudioFormat;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.AudioBuffer;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp3.MPEGAudioDemuxer;
import org.jcodec.containers.mp4.boxes.Edit;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * MP3 through the decoder JCodec ships and AAC-LC (in MP4/M4A, demuxed by JCodec) through emo4j's own
 * {@link AacDecoder}, mixed down to mono. Decoded
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
     * Decodes the first AAC track of an MP4/M4A file, priming samples skipped as the edit list says.
     *
     * @param file the file
     * @return the clip, mono
     * @throws AudioException if the atom tree is malformed or hostile, there is no AAC track, or the audio is
     *                        too long for the heap
     */
    public static AudioClip decodeMp4(Path file) throws AudioException {
        return decodeMp4(file, null);
    }

    /** {@link #decodeMp4(Path)}, handing {@code usage} the AAC tools' use counts when done (for tests). */
    static AudioClip decodeMp4(Path file, java.util.function.Consumer<long[]> usage) throws AudioException {
        try (FileChannelWrapper ch = NIOUtils.readableChannel(file.toFile())) {
            Mp4Atoms.check(ch, file);
            MP4Demuxer demux = MP4Demuxer.createMP4Demuxer(ch);
            if (demux.getAudioTracks().isEmpty()) {
                throw new AudioException(file, "MP4 file has no audio track");
            }
            DemuxerTrack track = demux.getAudioTracks().get(0);
            DemuxerTrackMeta meta = track.getMeta();
            if (meta.getCodec() != Codec.AAC) {
                byte[] cookie = alacCookie(ch, file);
                if (cookie != null) {
                    return decodeAlac(file, track, new AlacDecoder(file, cookie), ch.size());
                }
                throw new AudioException(file, "audio track is " + (meta.getCodec() == null ? "of a codec JCodec does not name"
                        : meta.getCodec()) + "; AAC and ALAC are supported in MP4");
            }
            if (meta.getCodecPrivate() == null) {
                throw new AudioException(file, "AAC track has no decoder configuration");
            }
            AacDecoder decoder = new AacDecoder(file, bytes(meta.getCodecPrivate()));
            int rate = decoder.rate();
            MonoSamples out = new MonoSamples(file);
            float[] pcm = new float[AacDecoder.FRAME];
            Packets packets = new Packets(file, track, ch.size(), "AAC frames");
            while (packets.next()) {
                byte[] frame = packets.bytes;
                int n = packets.length;
                // JCodec's MP4 demuxer hands AAC access units with an ADTS header in front
                int header = n >= 7 && (frame[0] & 0xFF) == 0xFF && (frame[1] & 0xF6) == 0xF0 ? ((frame[1] & 1) == 1 ? 7 : 9) : 0;
                decoder.decode(frame, header, n - header, pcm);
                out.add(pcm, AacDecoder.FRAME, rate);
            }
            if (usage != null) {
                usage.accept(decoder.usage.clone());
            }
            // the edit list says where presentation starts: skip the encoder's priming samples
            if (track instanceof AbstractMP4DemuxerTrack mt && mt.getEdits() != null) {
                for (Edit e : mt.getEdits()) {
                    if (e.getMediaTime() > 0 && e.getMediaTime() < Integer.MAX_VALUE) {
                        out.trim((int) e.getMediaTime(), 0);
                        break;
                    }
                }
            }
            return toClip(file, out, rate);
        } catch (AudioException e) {
            throw e;
        } catch (IOException e) {
            throw new AudioException(file, "cannot decode AAC: " + describe(e), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AudioException(file, "malformed MP4/AAC data: the parser could not go on", e);
        }
    }

    /** Apple Lossless: every packet through {@link AlacDecoder}; no priming, nothing to trim. */
    private static AudioClip decodeAlac(Path file, DemuxerTrack track, AlacDecoder decoder, long fileSize) throws IOException {
        MonoSamples out = new MonoSamples(file);
        float[] pcm = new float[decoder.frameLength];
        Packets packets = new Packets(file, track, fileSize, "ALAC packets");
        while (packets.next()) {
            java.util.Arrays.fill(pcm, 0f);
            int samples = decoder.decode(packets.bytes, packets.length, pcm);
            out.add(pcm, samples, decoder.rate);
        }
        return toClip(file, out, decoder.rate);
    }

    /**
     * A track's packets as bytes in one reused array, at most as many as the file could hold a packet of
     * four bytes for (a corrupt index cannot make it loop for long).
     */
    private static final class Packets {
        private final Path file;
        private final DemuxerTrack track;
        private final String what;
        private long budget;
        byte[] bytes = new byte[0];
        int length;

        Packets(Path file, DemuxerTrack track, long fileSize, String what) {
            this.file = file;
            this.track = track;
            this.what = what;
            this.budget = fileSize / 4 + 16;
        }

        boolean next() throws IOException {
            Packet p = track.nextFrame();
            if (p == null) {
                return false;
            }
            if (--budget < 0) {
                throw new AudioException(file, "more " + what + " than the file can hold (corrupt index)");
            }
            ByteBuffer data = p.getData();
            length = data.remaining();
            if (bytes.length < length) {
                bytes = new byte[length];
            }
            data.duplicate().get(bytes, 0, length);
            return true;
        }
    }

    /**
     * The ALACSpecificConfig of the first {@code alac} sample entry under {@code moov}, or {@code null} when
     * there is none. The atom tree has passed {@link Mp4Atoms#check} before this reads it.
     */
    static byte[] alacCookie(FileChannelWrapper ch, Path file) throws IOException {
        long size = ch.size();
        long at = 0;
        while (at + 8 <= size) {
            ByteBuffer h = ByteBuffer.allocate(16);
            ch.setPosition(at);
            ch.read(h);
            h.flip();
            long box = h.getInt() & 0xFFFFFFFFL;
            String type = new String(new byte[]{h.get(), h.get(), h.get(), h.get()}, StandardCharsets.ISO_8859_1);
            if (box == 1 && h.remaining() >= 8) {
                box = h.getLong();
            } else if (box == 0) {
                box = size - at;
            }
            if (box < 8 || at + box > size) {
                return null;
            }
            if (type.equals("moov")) {
                if (box > 64L << 20) {
                    throw new AudioException(file, "moov atom larger than 64 MB");
                }
                ByteBuffer moov = ByteBuffer.allocate((int) box);
                ch.setPosition(at);
                while (moov.hasRemaining() && ch.read(moov) > 0) {
                    // read it all
                }
                return findAlac(moov.array(), 8, moov.position(), 0);
            }
            at += box;
        }
        return null;
    }

    private static byte[] findAlac(byte[] b, int from, int to, int depth) {
        int at = from;
        while (at + 8 <= to && depth < 8) {
            int box = ByteBuffer.wrap(b, at, 4).getInt();
            String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (box < 8 || at + (long) box > to) {
                return null;
            }
            switch (type) {
                case "trak", "mdia", "minf", "stbl" -> {
                    byte[] r = findAlac(b, at + 8, at + box, depth + 1);
                    if (r != null) {
                        return r;
                    }
                }
                case "stsd" -> {
                    // full box, entry count, then sample entries
                    byte[] r = findAlac(b, at + 16, at + box, depth + 1);
                    if (r != null) {
                        return r;
                    }
                }
                case "alac" -> {
                    if (box >= 36 && box < 36 + 28) {
                        // the codec-specific box: version and flags, then the 24-byte config
                        return java.util.Arrays.copyOfRange(b, at + 12, at + 36);
                    }
                    // the sample entry: 28 bytes of AudioSampleEntry, then its boxes
                    byte[] r = findAlac(b, at + 36, at + box, depth + 1);
                    if (r != null) {
                        return r;
                    }
                }
                default -> {
                }
            }
            at += box;
        }
        return null;
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

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
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
