package io.github.emo4j.audio;

import io.github.emo4j.audio.files.InputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Entry point for reading voice files of any supported container into mono {@link AudioClip}s. */
public final class AudioFiles {
    private AudioFiles() {
    }

    /**
     * Reads a voice file of any supported container (WAV, AIFF, AU, FLAC, Ogg (FLAC, Opus, Vorbis), WebM and
     * Matroska (Opus, Vorbis, FLAC, PCM), MP3, M4A (AAC-LC, ALAC), told apart by their first bytes) into a mono
     * clip at its own sample rate.
     *
     * @param file the file
     * @return the decoded clip
     * @throws AudioException if the file is missing, not a regular file, unreadable, of an unsupported kind,
     *                        malformed, or too long for the heap
     */
    public static AudioClip read(Path file) throws AudioException {
        return decode(file);
    }

    /**
     * Reads a voice file as {@link #read(Path)} does, refusing one longer than {@code maxSeconds} as soon
     * as that much is decoded: a highly compressed file (hours of Opus in a few megabytes) costs no more
     * than the limit's worth of decoding and memory. For a server's uploads.
     *
     * @param file       the file
     * @param maxSeconds the longest voice accepted, above 0
     * @return the decoded clip
     * @throws AudioException as {@link #read(Path)} does, and with "over the limit" for a longer voice
     */
    public static AudioClip read(Path file, double maxSeconds) throws AudioException {
        if (!(maxSeconds > 0)) {
            throw new IllegalArgumentException("maxSeconds must be above 0: " + maxSeconds);
        }
        Double before = DecodeBudget.LIMIT_SECONDS.get();
        DecodeBudget.LIMIT_SECONDS.set(maxSeconds);
        try {
            AudioClip clip = decode(file);
            // uncompressed audio is decoded in one read: its length is checked here
            DecodeBudget.checkLimit(file, clip.samples().length, clip.sampleRate(), maxSeconds);
            return clip;
        } finally {
            DecodeBudget.LIMIT_SECONDS.set(before);
        }
    }

    private static AudioClip decode(Path file) throws AudioException {
        byte[] magic = magic(file);
        return switch (Kind.of(magic)) {
            case WAV -> WavDecoder.decode(file);
            case AIFF -> AiffDecoder.decode(file);
            case AU -> AuDecoder.decode(file);
            case MP3 -> CompressedAudioDecoder.decodeMp3(file);
            case MP4 -> CompressedAudioDecoder.decodeMp4(file);
            case FLAC -> FlacDecoder.decode(file);
            case OGG -> OggDecoder.decode(file);
            case WEBM -> MatroskaDecoder.decode(file);
            case UNKNOWN -> throw new AudioException(file, "not a supported audio file "
                    + "(expected WAV, AIFF, AU, FLAC, Ogg or WebM (Opus, Vorbis), MP3, MP2 or M4A (AAC, ALAC))");
        };
    }

    /**
     * Opens a voice file as a stream, for uncompressed audio too long to hold at once (WAV, AIFF, AU);
     * compressed files are decoded whole and streamed from memory.
     *
     * @param file the file
     * @return the stream; close it
     * @throws AudioException if the file is missing, not a regular file, of an unsupported kind or malformed
     */
    public static AudioStream open(Path file) throws AudioException {
        byte[] magic = magic(file);
        return switch (Kind.of(magic)) {
            case WAV -> WavDecoder.open(file);
            case AIFF -> AiffDecoder.open(file);
            case AU -> AuDecoder.open(file);
            default -> ArrayStream.of(read(file));
        };
    }

    private static byte[] magic(Path file) throws AudioException {
        String problem = InputFiles.problem(file);
        if (problem != null) {
            throw new AudioException(file, problem);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(12);
            if (m.length == 0) {
                throw new AudioException(file, "empty file");
            }
            return m;
        } catch (NoSuchFileException e) {
            throw new AudioException(file, "file not found");
        } catch (IOException e) {
            if (e instanceof AudioException ae) {
                throw ae;
            }
            throw AudioException.cannotRead(file, e);
        }
    }

    /** Containers told apart by their first bytes. */
    enum Kind {
        WAV, AIFF, AU, FLAC, OGG, WEBM, MP3, MP4, UNKNOWN;

        static Kind of(byte[] m) {
            if (starts(m, 0, "RIFF") || starts(m, 0, "RF64")) {
                return WAV;
            }
            if (starts(m, 0, "FORM")) {
                return AIFF;
            }
            if (starts(m, 0, ".snd")) {
                return AU;
            }
            if (starts(m, 0, "fLaC")) {
                return FLAC;
            }
            if (starts(m, 0, "OggS")) {
                return OGG;
            }
            if (m.length >= 4 && (m[0] & 0xFF) == 0x1A && (m[1] & 0xFF) == 0x45 && (m[2] & 0xFF) == 0xDF && (m[3] & 0xFF) == 0xA3) {
                return WEBM;
            }
            if (starts(m, 4, "ftyp")) {
                return MP4;
            }
            if (starts(m, 0, "ID3") || m.length >= 2 && (m[0] & 0xFF) == 0xFF && (m[1] & 0xE0) == 0xE0) {
                return MP3;
            }
            return UNKNOWN;
        }

        private static boolean starts(byte[] m, int at, String s) {
            if (m.length < at + s.length()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                if (m[at + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
