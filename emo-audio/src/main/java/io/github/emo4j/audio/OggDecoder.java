package io.github.emo4j.audio;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ogg files (.ogg, .oga, .opus): the codec of the first logical stream is told by its first packet.
 * FLAC in Ogg is decoded by {@link FlacDecoder}, Opus by {@link OpusPackets}, Vorbis by {@link VorbisDecoder}.
 */
final class OggDecoder {
    private OggDecoder() {
    }

    static AudioClip decode(Path file) throws AudioException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            OggPackets packets = new OggPackets(file, in);
            byte[] first = packets.next();
            if (first == null) {
                throw new AudioException(file, "Ogg file holds no packets");
            }
            if (startsWith(first, "\u007fFLAC")) {
                return FlacDecoder.decode(file, OggPackets.flacStream(file, packets, first));
            }
            if (startsWith(first, "OpusHead")) {
                return opus(file, packets, first);
            }
            if (startsWith(first, "\u0001vorbis")) {
                return vorbis(file, packets, first);
            }
            throw new AudioException(file, "Ogg stream of an unknown codec");
        } catch (AudioException e) {
            throw e;
        } catch (EOFException e) {
            throw new AudioException(file, "Ogg data ends in the middle of a page");
        } catch (IOException e) {
            throw AudioException.cannotRead(file, e);
        }
    }

    /**
     * Opus in Ogg (RFC 7845): OpusHead, OpusTags, then audio packets; the last page's granule position
     * (48 kHz samples, pre-skip included) says where the audio ends.
     */
    private static AudioClip opus(Path file, OggPackets packets, byte[] head) throws IOException {
        OpusPackets opus = new OpusPackets(file, head);
        byte[] tags = packets.next();
        if (tags == null || !startsWith(tags, "OpusTags")) {
            throw new AudioException(file, "Opus in Ogg: the second packet is not the OpusTags header");
        }
        long end = -1;
        byte[] p;
        while ((p = packets.next()) != null) {
            opus.decode(p, 0, p.length);
            if (packets.granule() >= 0) {
                end = packets.granule();
            }
        }
        return opus.finish(end < 0 ? -1 : Math.max(0, end - opus.preSkip()));
    }

    /** Vorbis in Ogg: the three headers, then audio packets; the last page's granule position ends the audio. */
    private static AudioClip vorbis(Path file, OggPackets packets, byte[] id) throws IOException {
        byte[] comment = packets.next(), setup = packets.next();
        VorbisDecoder vorbis = new VorbisDecoder(file, id, comment, setup);
        long end = -1;
        byte[] p;
        while ((p = packets.next()) != null) {
            vorbis.decode(p, 0, p.length);
            if (packets.granule() >= 0) {
                end = packets.granule();
            }
        }
        return vorbis.finish(end);
    }

    static boolean startsWith(byte[] b, String s) {
        if (b.length < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if ((b[i] & 0xFF) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
