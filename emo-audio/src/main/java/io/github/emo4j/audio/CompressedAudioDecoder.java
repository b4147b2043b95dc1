package io.github.emo4j.audio;

import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * MP3 through emo4j's own {@link MpegAudioDecoder}, and AAC-LC and ALAC in MP4/M4A (demuxed by emo4j's own
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
     * Decodes MPEG-1, 2 and 2.5 Layer III with emo4j's own {@link MpegAudioDecoder}, gapless where a LAME tag
     * (LAME's, or ffmpeg's under "Lavc") says the encoder delay and padding.
     *
     * @param file the file
     * @return the clip, mono
     * @throws AudioException if no frame decodes, or the audio is too long for the heap
     */
    public static AudioClip decodeMp3(Path file) throws AudioException {
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
        // a compressed voice is at least ten times smaller than its decoded samples
        if (size > DecodeBudget.maxSamples() / 2) {
            throw new AudioException(file, "MP3 of " + (size >> 20) + " MB is too long to decode in this JVM");
        }
        byte[] data;
        try {
            data = java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
        int[] gap = {-1, -1};
        int[] rate = new int[1];
        MonoSamples out = MpegAudioDecoder.decode(file, data, gap, rate);
        if (gap[0] >= 0) {
            out.trim(gap[0] + DECODER_DELAY, Math.max(0, gap[1] - DECODER_DELAY));
        }
        return toClip(file, out, rate[0]);
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
        // LAME writes the tag right after the side information even when the frame's header says it is
        // CRC-protected (and ffmpeg looks for it there); a tag after the two CRC bytes is taken too
        int tag = start + 4 + side;
        if (crc && !xingAt(b, tag)) {
            tag += 2;
        }
        if (!xingAt(b, tag)) {
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

    private static boolean xingAt(ByteBuffer b, int at) {
        if (at + 8 > b.limit()) {
            return false;
        }
        String id = "" + (char) b.get(at) + (char) b.get(at + 1) + (char) b.get(at + 2) + (char) b.get(at + 3);
        return id.equals("Xing") || id.equals("Info");
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
