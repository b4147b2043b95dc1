package io.github.emo4j.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Ogg pages and EBML elements written by hand, for broken files no encoder would make. */
final class ContainerBytes {
    private ContainerBytes() {
    }

    /** An OpusHead: version, channels, pre-skip, mapping family, then any mapping bytes. */
    static byte[] opusHead(int version, int channels, int preSkip, int family, int... mapping) {
        ByteBuffer b = ByteBuffer.allocate(19 + mapping.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) version).put((byte) channels)
                .putShort((short) preSkip).putInt(48_000).putShort((short) 0).put((byte) family);
        for (int m : mapping) {
            b.put((byte) m);
        }
        return b.array();
    }

    static byte[] opusTags() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        return b.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(0).array();
    }

    /** A silent 20 ms CELT packet: TOC of config 31 (CELT fullband 20 ms), one frame, no payload bits. */
    static byte[] silentPacket() {
        return new byte[]{(byte) (31 << 3), (byte) 0xFF, (byte) 0xFE};
    }

    /** An Ogg stream of one packet per page, the last page marked end of stream, granules as given. */
    static byte[] ogg(List<byte[]> packets, long... granules) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            int segments = p.length / 255 + 1;
            ByteBuffer page = ByteBuffer.allocate(27 + segments + p.length).order(ByteOrder.LITTLE_ENDIAN);
            int flags = (i == 0 ? 2 : 0) | (i == packets.size() - 1 ? 4 : 0);
            page.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags)
                    .putLong(i < granules.length ? granules[i] : 0).putInt(0x1234).putInt(i).putInt(0).put((byte) segments);
            for (int s = 0; s < segments - 1; s++) {
                page.put((byte) 255);
            }
            page.put((byte) (p.length % 255)).put(p);
            byte[] bytes = page.array();
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(22, crc(bytes));
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    static int crc(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= (x & 0xFF) << 24;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }
        return crc;
    }

    /** An EBML element with a known size. */
    static byte[] el(int id, byte[]... children) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : children) {
            body.writeBytes(c);
        }
        return raw(id, size(body.size()), body.toByteArray());
    }

    /** An EBML element whose size field is "unknown" (all ones), as live recorders write. */
    static byte[] unknownSize(int id, byte[]... children) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : children) {
            body.writeBytes(c);
        }
        return raw(id, new byte[]{(byte) 0xFF}, body.toByteArray());
    }

    static byte[] raw(int id, byte[] size, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int bytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(id >>> (8 * i));
        }
        out.writeBytes(size);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] uint(int id, long v) {
        return el(id, ByteBuffer.allocate(8).putLong(v).array());
    }

    static byte[] str(int id, String s) {
        return el(id, s.getBytes(StandardCharsets.US_ASCII));
    }

    /** An 8-byte EBML size. */
    static byte[] size(long n) {
        byte[] b = ByteBuffer.allocate(8).putLong(n).array();
        b[0] = 1;
        return b;
    }

    static byte[] ebmlHeader() {
        return el(0x1A45DFA3, str(0x4282, "webm"));
    }

    /** A WebM file: header, then a segment of the given tracks and blocks. */
    static byte[] webm(byte[] tracks, byte[]... blocks) {
        byte[][] cluster = new byte[blocks.length + 1][];
        cluster[0] = uint(0xE7, 0);
        System.arraycopy(blocks, 0, cluster, 1, blocks.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ebmlHeader());
        out.writeBytes(el(0x18538067, tracks, el(0x1F43B675, cluster)));
        return out.toByteArray();
    }

    static byte[] audioTrack(String codec, byte[] codecPrivate) {
        return codecPrivate == null
                ? el(0xAE, uint(0xD7, 1), uint(0x83, 2), str(0x86, codec))
                : el(0xAE, uint(0xD7, 1), uint(0x83, 2), str(0x86, codec), el(0x63A2, codecPrivate));
    }

    /** A SimpleBlock of track 1 with the given lacing flags and body. */
    static byte[] simpleBlock(int lacing, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x81);
        b.write(0);
        b.write(0);
        b.write(0x80 | lacing << 1);
        b.writeBytes(body);
        return el(0xA3, b.toByteArray());
    }
}
