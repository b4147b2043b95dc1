package io.github.emo4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.jcodec.codecs.aac.AACDecoder;
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
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * MP3 and AAC (in MP4/M4A) through the decoders JCodec already ships, mixed down to mono. Decoded
 * output grows as it is produced, never from a size a header claims, and decoder failures on corrupt
 * streams become {@link AudioException}s.
 */
public final class CompressedAudioDecoder {

    /** Longest decoded output accepted: 6 hours at 48 kHz. */
    static final long MAX_SAMPLES = 6L * 3600 * 48000;

    private CompressedAudioDecoder() {
    }

    /** Decodes an MPEG-1/2 Layer III stream. */
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
            Samples out = new Samples(file);
            Packet p;
            int channels = 0;
            boolean first = true;
            int[] gap = null;
            // JCodec's demuxer can return empty packets forever on garbage; a real frame has at least
            // 24 bytes, so no file holds more frames than this
            long budget = ch.size() / 24 + 16;
            while ((p = demux.nextFrame()) != null) {
                if (--budget < 0) {
                    throw new AudioException(file, "no valid MPEG audio frames (corrupt stream)");
                }
                if (p.getData().remaining() < 4) {
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
                out.addInterleaved16(b.getData(), channels);
            }
            if (gap != null) {
                // gapless playback: drop the encoder delay plus the decoder's own 529 samples, and the padding
                out.trim(gap[0] + DECODER_DELAY, Math.max(0, gap[1] - DECODER_DELAY));
            }
            return out.toClip(rate);
        } catch (AudioException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new AudioException(file, "cannot decode MP3: " + describe(e), e);
        }
    }

    /** Decodes the first AAC track of an MP4/M4A file. */
    public static AudioClip decodeMp4(Path file) throws AudioException {
        try (FileChannelWrapper ch = NIOUtils.readableChannel(file.toFile())) {
            checkAtoms(ch, file);
            MP4Demuxer demux = MP4Demuxer.createMP4Demuxer(ch);
            if (demux.getAudioTracks().isEmpty()) {
                throw new AudioException(file, "MP4 file has no audio track");
            }
            DemuxerTrack track = demux.getAudioTracks().get(0);
            DemuxerTrackMeta meta = track.getMeta();
            if (meta.getCodec() != Codec.AAC) {
                throw new AudioException(file, "audio track is " + meta.getCodec() + "; only AAC is supported in MP4");
            }
            if (meta.getCodecPrivate() == null) {
                throw new AudioException(file, "AAC track has no decoder configuration");
            }
            AACDecoder decoder = new AACDecoder(meta.getCodecPrivate());
            Samples out = new Samples(file);
            Packet p;
            int rate = 0;
            ByteBuffer scratch = ByteBuffer.allocate(1 << 16);
            long budget = ch.size() / 4 + 16;
            while ((p = track.nextFrame()) != null) {
                if (--budget < 0) {
                    throw new AudioException(file, "more AAC frames than the file can hold (corrupt index)");
                }
                scratch.clear();
                AudioBuffer b = decoder.decodeFrame(p.getData(), scratch);
                AudioFormat f = b.getFormat();
                if (f.getSampleSizeInBits() != 16) {
                    throw new AudioException(file, "unexpected " + f.getSampleSizeInBits() + "-bit AAC output");
                }
                rate = f.getSampleRate();
                out.addInterleaved16(b.getData(), f.getChannels());
            }
            // the edit list says where presentation starts: skip the encoder's priming samples
            if (track instanceof org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack mt && mt.getEdits() != null) {
                for (org.jcodec.containers.mp4.boxes.Edit e : mt.getEdits()) {
                    if (e.getMediaTime() > 0 && e.getMediaTime() < Integer.MAX_VALUE) {
                        out.trim((int) e.getMediaTime(), 0);
                        break;
                    }
                }
            }
            return out.toClip(rate);
        } catch (AudioException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new AudioException(file, "cannot decode AAC: " + describe(e), e);
        }
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

    /** Largest {@code moov} accepted: JCodec reads it whole into memory. */
    static final long MAX_MOOV = 64L << 20;

    /**
     * Walks the top-level MP4 atoms before JCodec does: an atom that claims to run past the end of the
     * file, or a header ({@code moov}) too large to hold, is refused here instead of being allocated.
     */
    static void checkAtoms(FileChannelWrapper ch, Path file) throws IOException {
        long size = ch.size();
        long pos = 0;
        boolean moov = false;
        ByteBuffer h = ByteBuffer.allocate(16);
        while (pos + 8 <= size) {
            h.clear();
            ch.setPosition(pos);
            while (h.hasRemaining() && ch.read(h) > 0) {
                // keep reading
            }
            h.flip();
            if (h.remaining() < 8) {
                break;
            }
            long len = Integer.toUnsignedLong(h.getInt(0));
            String type = new String(new byte[] {h.get(4), h.get(5), h.get(6), h.get(7)}, StandardCharsets.ISO_8859_1);
            if (len == 1) {
                if (h.remaining() < 16) {
                    throw new AudioException(file, "truncated 64-bit size of atom '" + type + "'");
                }
                len = h.getLong(8);
            } else if (len == 0) {
                len = size - pos;
            }
            if (len < 8 || pos + len > size) {
                throw new AudioException(file, "MP4 atom '" + type + "' claims " + len + " bytes but only "
                        + (size - pos) + " remain (truncated or corrupt file)");
            }
            if (type.equals("moov")) {
                moov = true;
                if (len > MAX_MOOV) {
                    throw new AudioException(file, "MP4 header (moov) of " + len + " bytes is too large");
                }
            }
            pos += len;
        }
        ch.setPosition(0);
        if (!moov) {
            throw new AudioException(file, "MP4 file has no moov atom (not a complete MP4 file)");
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A growing mono sample buffer. */
    private static final class Samples {
        private final Path file;
        private float[] data = new float[1 << 16];
        private int size;

        Samples(Path file) {
            this.file = file;
        }

        void addInterleaved16(ByteBuffer pcm, int channels) throws AudioException {
            if (channels < 1 || channels > WavDecoder.MAX_CHANNELS) {
                throw new AudioException(file, "decoder reports " + channels + " channels");
            }
            ByteBuffer b = pcm.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int frames = b.remaining() / (2 * channels);
            if (size + (long) frames > MAX_SAMPLES) {
                throw new AudioException(file, "decodes to more than " + MAX_SAMPLES + " samples");
            }
            if (size + frames > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(size + frames, 2L * data.length)));
            }
            int at = b.position();
            for (int i = 0; i < frames; i++) {
                float s = 0;
                for (int c = 0; c < channels; c++) {
                    s += b.getShort(at + 2 * (i * channels + c));
                }
                data[size++] = s / (32768f * channels);
            }
        }

        /** Drops {@code head} samples at the start and {@code tail} at the end, where there are enough. */
        void trim(int head, int tail) {
            if (head + tail >= size) {
                return;
            }
            System.arraycopy(data, head, data, 0, size - head - tail);
            size -= head + tail;
        }

        AudioClip toClip(int rate) throws AudioException {
            if (size == 0) {
                throw new AudioException(file, "contains no decodable audio frames");
            }
            if (rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
                throw new AudioException(file, "unsupported sample rate " + rate + " Hz");
            }
            return new AudioClip(Arrays.copyOf(data, size), rate);
        }
    }
}
