package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of broken files across every container: each is refused with an {@link AudioException} that
 * names it, within a second, without running out of memory.
 */
class MalformedCorpusTest {

    @TempDir
    Path dir;

    private static byte[] with(byte[] b, int at, int value, ByteOrder order) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(order).putInt(at, value);
        return c;
    }

    private static byte[] withShort(byte[] b, int at, int value, ByteOrder order) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(order).putShort(at, (short) value);
        return c;
    }

    static Map<String, byte[]> corpus() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN, be = ByteOrder.BIG_ENDIAN;
        byte[] wav = WavBytes.pcm16(WavBytes.sine(300, 16000, 3200, 0.5), 16000);
        byte[] aiff = FormatsTest.aiff(WavBytes.sine(300, 16000, 3200, 0.5), 16000, 1, null);
        byte[] au = FormatsTest.au(WavBytes.sine(300, 16000, 3200, 0.5), 16000, 3);
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("empty.wav", new byte[0]);
        m.put("riff-only.wav", "RIFF".getBytes());
        m.put("header-only.wav", Arrays.copyOf(wav, 12));
        m.put("no-fmt.wav", Arrays.copyOf(wav, 20));
        m.put("truncated-fmt.wav", Arrays.copyOf(wav, 30));
        m.put("no-data.wav", Arrays.copyOf(wav, 36));
        m.put("claims-4gb.wav", with(wav, 40, 0xFFFFFFF0, le));
        m.put("claims-2gb.wav", with(wav, 40, 0x7FFFFFFF, le));
        m.put("zero-channels.wav", withShort(wav, 22, 0, le));
        m.put("65535-channels.wav", withShort(wav, 22, 65535, le));
        m.put("rate-zero.wav", with(wav, 24, 0, le));
        m.put("rate-absurd.wav", with(wav, 24, 2_000_000_000, le));
        m.put("bits-zero.wav", withShort(wav, 34, 0, le));
        m.put("bits-12.wav", withShort(wav, 34, 12, le));
        m.put("block-align-lie.wav", withShort(wav, 32, 7, le));
        m.put("format-tag-mp3.wav", withShort(wav, 20, 0x55, le));
        m.put("fmt-size-huge.wav", with(wav, 16, 0x7FFFFFFF, le));
        m.put("zero-samples.wav", with(Arrays.copyOf(wav, 44), 40, 0, le));
        ByteBuffer nan = ByteBuffer.allocate(8).order(le).putFloat(0.1f).putFloat(Float.POSITIVE_INFINITY);
        m.put("infinite-sample.wav", WavBytes.wav(3, 1, 16000, 32, nan.array(), false));
        m.put("not-wave.wav", with(wav, 8, 0x45564157 ^ 0x01010101, le));
        m.put("aiff-header-only.aiff", Arrays.copyOf(aiff, 12));
        m.put("aiff-no-ssnd.aiff", Arrays.copyOf(aiff, 12 + 8 + 18));
        m.put("aiff-zero-channels.aiff", withShort(aiff, 20, 0, be));
        m.put("aiff-rate-nan.aiff", withShort(aiff, 28, 0x7FFF, be));
        m.put("aiff-ssnd-claims-huge.aiff", with(aiff, 42, 0x7FFFFFF0, be));
        m.put("aiff-ssnd-offset-huge.aiff", with(aiff, 46, 0x7FFFFFF0, be));
        m.put("aiff-comm-huge.aiff", with(aiff, 16, 0x7FFFFFF0, be));
        m.put("au-header-only.au", Arrays.copyOf(au, 12));
        m.put("au-offset-outside.au", with(au, 4, 0x7FFFFFF0, be));
        m.put("au-size-lie.au", with(au, 8, 0x7FFFFFF0, be));
        m.put("au-encoding-unknown.au", with(au, 12, 99, be));
        m.put("au-channels-absurd.au", with(au, 20, 100_000, be));
        m.put("au-rate-zero.au", with(au, 16, 0, be));
        byte[] mp3 = new byte[4000];
        mp3[0] = (byte) 0xFF;
        mp3[1] = (byte) 0xFB;
        m.put("mp3-garbage.mp3", mp3);
        byte[] id3 = Arrays.copyOf("ID3".getBytes(), 300);
        m.put("mp3-id3-only.mp3", id3);
        byte[] mp4 = new byte[64];
        ByteBuffer.wrap(mp4).putInt(0, 24).put(4, (byte) 'f').put(5, (byte) 't').put(6, (byte) 'y').put(7, (byte) 'p');
        m.put("m4a-ftyp-only.m4a", mp4);
        byte[] mp4lie = mp4.clone();
        ByteBuffer.wrap(mp4lie).putInt(24, 0x7FFFFFF0).put(28, (byte) 'm').put(29, (byte) 'o').put(30, (byte) 'o').put(31, (byte) 'v');
        m.put("m4a-moov-claims-2gb.m4a", mp4lie);
        m.put("text.wav", "this is plain text and no audio".getBytes());
        m.put("flac-marker-only.flac", "fLaC".getBytes());
        byte[] flacInfo = new byte[8 + 34 + 16];
        ByteBuffer.wrap(flacInfo).put("fLaC".getBytes()).put((byte) 0x80).put((byte) 0).put((byte) 0).put((byte) 34);
        m.put("flac-zero-rate.flac", flacInfo);
        byte[] flacLong = flacInfo.clone();
        // a metadata block claiming 16 MB
        ByteBuffer.wrap(flacLong).put(4, (byte) 0x04).put(5, (byte) 0xFF).put(6, (byte) 0xFF).put(7, (byte) 0xFF);
        m.put("flac-metadata-claims-16mb.flac", flacLong);
        m.put("ogg-sync-only.ogg", "OggS".getBytes());
        byte[] oggPage = new byte[27 + 255];
        ByteBuffer.wrap(oggPage).put("OggS".getBytes()).put(26, (byte) 255);
        m.put("ogg-page-without-its-segments.ogg", oggPage);
        opus(m);
        matroska(m);
        return m;
    }

    /** Broken Opus in Ogg: headers, mappings, packets, pages and trimming. */
    static void opus(Map<String, byte[]> m) {
        byte[] head = ContainerBytes.opusHead(1, 1, 312, 0), tags = ContainerBytes.opusTags(), audio = ContainerBytes.silentPacket();
        m.put("opus-head-short.opus", ContainerBytes.ogg(java.util.List.of(Arrays.copyOf(head, 12))));
        m.put("opus-version-16.opus", ContainerBytes.ogg(java.util.List.of(ContainerBytes.opusHead(16, 1, 312, 0), tags, audio), 0, 0, 1272));
        m.put("opus-zero-channels.opus", ContainerBytes.ogg(java.util.List.of(ContainerBytes.opusHead(1, 0, 312, 0), tags, audio), 0, 0, 1272));
        m.put("opus-family0-three-channels.opus", ContainerBytes.ogg(java.util.List.of(ContainerBytes.opusHead(1, 3, 312, 0), tags, audio), 0, 0, 1272));
        m.put("opus-family1-no-table.opus", ContainerBytes.ogg(java.util.List.of(ContainerBytes.opusHead(1, 2, 312, 1), tags, audio), 0, 0, 1272));
        m.put("opus-mapping-past-streams.opus", ContainerBytes.ogg(java.util.List.of(ContainerBytes.opusHead(1, 2, 312, 1, 1, 0, 0, 7), tags, audio), 0, 0, 1272));
        m.put("opus-family-2.opus", ContainerBytes.ogg(java.util.List.of(ContainerBytes.opusHead(1, 1, 312, 2), tags, audio), 0, 0, 1272));
        m.put("opus-no-tags.opus", ContainerBytes.ogg(java.util.List.of(head, audio, audio), 0, 960, 1920));
        m.put("opus-headers-only.opus", ContainerBytes.ogg(java.util.List.of(head, tags), 0, 0));
        m.put("opus-invalid-packet.opus", ContainerBytes.ogg(java.util.List.of(head, tags, new byte[]{(byte) (31 << 3 | 3), 0}), 0, 0, 1272));
        m.put("opus-ends-in-pre-skip.opus", ContainerBytes.ogg(java.util.List.of(head, tags, audio), 0, 0, 100));
        byte[] crc = ContainerBytes.ogg(java.util.List.of(head, tags, audio), 0, 0, 1272);
        crc[crc.length - 1] ^= 0x40;
        m.put("opus-page-crc.opus", crc);
        byte[] cut = ContainerBytes.ogg(java.util.List.of(head, tags, new byte[600]), 0, 0, 1272);
        m.put("opus-ends-inside-packet.opus", Arrays.copyOf(cut, cut.length - 400));
    }

    /** Broken WebM and Matroska: elements, tracks, codecs and lacing. */
    static void matroska(Map<String, byte[]> m) {
        byte[] opusTrack = ContainerBytes.el(0x1654AE6B, ContainerBytes.audioTrack("A_OPUS", ContainerBytes.opusHead(1, 1, 312, 0)));
        byte[] block = ContainerBytes.simpleBlock(0, ContainerBytes.silentPacket());
        m.put("webm-ebml-id-only.webm", new byte[]{0x1A, 0x45, (byte) 0xDF, (byte) 0xA3});
        m.put("webm-header-claims-more.webm", ContainerBytes.raw(0x1A45DFA3, ContainerBytes.size(1L << 40), new byte[8]));
        m.put("webm-block-before-tracks.webm", ContainerBytes.webm(new byte[0], block));
        m.put("webm-video-only.webm", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.el(0xAE,
                ContainerBytes.uint(0xD7, 1), ContainerBytes.uint(0x83, 1), ContainerBytes.str(0x86, "V_VP8"))), block));
        m.put("webm-vorbis.webm", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.audioTrack("A_VORBIS", new byte[30])), block));
        m.put("mka-aac.mka", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.audioTrack("A_AAC", new byte[2])), block));
        m.put("webm-opus-no-head.webm", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.audioTrack("A_OPUS", null)), block));
        m.put("webm-opus-bad-head.webm", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.audioTrack("A_OPUS", new byte[19])), block));
        m.put("webm-opus-no-blocks.webm", ContainerBytes.webm(opusTrack));
        m.put("webm-tracks-unknown-size.webm", concat(ContainerBytes.ebmlHeader(), ContainerBytes.unknownSize(0x18538067,
                ContainerBytes.unknownSize(0x1654AE6B, ContainerBytes.audioTrack("A_OPUS", ContainerBytes.opusHead(1, 1, 312, 0))))));
        m.put("webm-ebml-lacing-too-long.webm", ContainerBytes.webm(opusTrack, ContainerBytes.simpleBlock(3,
                new byte[]{1, (byte) 0xC0, 1, 2, 3})));
        m.put("webm-xiph-lacing-runs-out.webm", ContainerBytes.webm(opusTrack, ContainerBytes.simpleBlock(1,
                new byte[]{2, (byte) 255, (byte) 255})));
        m.put("webm-fixed-lacing-uneven.webm", ContainerBytes.webm(opusTrack, ContainerBytes.simpleBlock(2, new byte[]{1, 1, 2, 3})));
        m.put("webm-element-claims-2-56.webm", concat(ContainerBytes.ebmlHeader(), ContainerBytes.raw(0x18538067,
                new byte[]{1, (byte) 0xFF, 0, 0, 0, 0, 0, 0}, new byte[16])));
        m.put("webm-id-zero.webm", concat(ContainerBytes.ebmlHeader(), new byte[]{0, 0, 0, 0}));
        m.put("mka-encrypted.mka", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.el(0xAE, ContainerBytes.uint(0xD7, 1),
                ContainerBytes.uint(0x83, 2), ContainerBytes.str(0x86, "A_OPUS"), ContainerBytes.el(0x6D80, new byte[4]))), block));
        m.put("mka-pcm-12-bit.mka", ContainerBytes.webm(ContainerBytes.el(0x1654AE6B, ContainerBytes.el(0xAE, ContainerBytes.uint(0xD7, 1),
                ContainerBytes.uint(0x83, 2), ContainerBytes.str(0x86, "A_PCM/INT/LIT"), ContainerBytes.el(0xE1, ContainerBytes.uint(0x6264, 12)))), block));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void everyBrokenFileGetsATypedErrorQuickly() throws Exception {
        Map<String, byte[]> corpus = corpus();
        assertTrue(corpus.size() >= 30, "corpus has " + corpus.size() + " files");
        for (Map.Entry<String, byte[]> e : corpus.entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.write(p, e.getValue());
            long t0 = System.nanoTime();
            AudioException ex = assertThrows(AudioException.class, () -> AudioFiles.read(p), e.getKey());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, e.getKey() + " took " + ms + " ms");
            assertTrue(ex.getMessage().startsWith(p.toString() + ": "), ex.getMessage());
        }
    }
}
