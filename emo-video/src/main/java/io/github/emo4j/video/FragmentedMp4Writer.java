package io.github.emo4j.video;

import io.github.emo4j.audio.Resampler;
import io.github.emo4j.video.aac.AacEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * A live stream as fragmented MP4 (CMAF): one init segment ({@code ftyp} and {@code moov}, written when
 * the first frame comes), then one {@code moof}+{@code mdat} fragment every {@code framesPerFragment}
 * frames (a live session's clip), with the AAC voice of the same time. H.264 key frames come every two
 * seconds or so, always on a fragment's first frame; between them a frame codes only what moved.
 * A browser plays it through Media Source Extensions, a fragment as it arrives; the fragments joined
 * are an MP4 that players read as any other.
 *
 * <p>The voice comes with the frames ({@link #accept(int[], float[])}: the frame and the voice during it),
 * resampled to 48 kHz as it goes. AAC's frames lag the video by two of them (43 ms), the encoder's look
 * ahead, and join the next fragment. Not thread-safe: one writer is fed by one thread.
 */
public final class FragmentedMp4Writer implements AutoCloseable {
    private static final int VIDEO = 1;
    private static final int AUDIO = 2;
    private static final int AUDIO_RATE = 48_000;
    private static final int AAC_FRAME = 1024;

    private final OutputStream out;
    private final int width;
    private final int height;
    private final int fps;
    private final int framesPerFragment;
    private final int firstFragmentFrames;
    private final SkippingH264Encoder encoder;
    /** Codes a frame's other slices while the caller codes one, or {@code null}; its threads end when idle. */
    private final ThreadPoolExecutor sliceHelper;
    private final Picture picture;
    private final ByteBuffer encoded;
    private final List<GopEncoder.Packet> packets = new ArrayList<>();
    private final AacEncoder aac = new AacEncoder(AUDIO_RATE, AacAudioOut.SNR_DB);
    /** The voice at 48 kHz from the next AAC frame's input on. */
    private final VoiceWindow audio;
    /** The next AAC frame: it covers output samples [1024 n, 1024 (n + 1)) and needs input to 1024 (n + 2). */
    private long aacFrames;
    private final List<byte[]> aacPending = new ArrayList<>();
    private long aacPendingFirst;
    private long frames;
    private long framesWritten;
    private int sequence;
    private boolean initWritten;
    private boolean finished;
    private boolean closed;

    /**
     * A writer of a stream to {@code out}.
     *
     * @param out               where the stream goes; flushed after every fragment, not closed
     * @param width             even frame width
     * @param height            even frame height
     * @param fps               frames per second
     * @param voiceRate         the voice's sample rate
     * @param framesPerFragment frames per fragment: a live session's clip
     * @param qp                H.264 quantiser of changing macroblocks, {@link Mp4Writer#MIN_QP} to
     *                          {@link Mp4Writer#MAX_QP}
     */
    public FragmentedMp4Writer(OutputStream out, int width, int height, int fps, int voiceRate, int framesPerFragment,
                               int qp) {
        this(out, width, height, fps, voiceRate, framesPerFragment, framesPerFragment, qp);
    }

    /**
     * A writer of a stream whose first fragment holds {@code firstFragmentFrames} frames, fewer than the
     * others: a live session's shorter first clip.
     *
     * @param out                 where the stream goes; flushed after every fragment, not closed
     * @param width               even frame width
     * @param height              even frame height
     * @param fps                 frames per second
     * @param voiceRate           the voice's sample rate
     * @param firstFragmentFrames frames of the first fragment, 1 to {@code framesPerFragment}
     * @param framesPerFragment   frames of every later fragment: a live session's clip
     * @param qp                  H.264 quantiser of changing macroblocks, {@link Mp4Writer#MIN_QP} to
     *                            {@link Mp4Writer#MAX_QP}
     */
    public FragmentedMp4Writer(OutputStream out, int width, int height, int fps, int voiceRate, int firstFragmentFrames,
                               int framesPerFragment, int qp) {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("frame size must be positive and even: " + width + "x" + height);
        }
        if (fps < 1 || framesPerFragment < 1 || firstFragmentFrames < 1 || firstFragmentFrames > framesPerFragment
                || qp < Mp4Writer.MIN_QP || qp > Mp4Writer.MAX_QP) {
            throw new IllegalArgumentException("fps " + fps + ", frames per fragment " + framesPerFragment + " (the first "
                    + firstFragmentFrames + "), qp " + qp);
        }
        this.out = out;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.framesPerFragment = framesPerFragment;
        this.firstFragmentFrames = firstFragmentFrames;
        int w16 = (width + 15) & ~15, h16 = (height + 15) & ~15;
        // a key frame every two seconds or so, on a fragment's first frame: the fragments between are
        // small (only what moved), and a player can join the stream at any key frame
        int keyInterval = framesPerFragment * Math.max(1, (int) Math.round(2.0 * fps / framesPerFragment));
        // a live stream waits for each frame: its slices are coded on as many cores as there are slices
        this.sliceHelper = SkippingH264Encoder.sliceHelpers(Math.min(Runtime.getRuntime().availableProcessors(),
                SkippingH264Encoder.slicesFor(h16 / 16)));
        this.encoder = new SkippingH264Encoder(keyInterval, framesPerFragment - firstFragmentFrames,
                (x, y, key) -> Mp4Writer.macroblockQp(qp, key), sliceHelper, 0);
        this.picture = Picture.createCropped(w16, h16, ColorSpace.YUV420J, new Rect(0, 0, width, height));
        this.encoded = ByteBuffer.allocate(w16 * h16 * 3);
        this.audio = new VoiceWindow(Resampler.of(voiceRate, AUDIO_RATE));
    }

    /**
     * Adds a frame and the voice during it; writes a fragment when one is complete.
     *
     * @param rgb   the frame as packed {@code 0xRRGGBB}, row by row
     * @param voice the voice during the frame, mono at the voice's rate
     * @throws IOException if the stream cannot be written
     */
    public void accept(int[] rgb, float[] voice) throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("writer is already " + (finished ? "finished" : "closed"));
        }
        if (rgb.length != width * height) {
            throw new IllegalArgumentException("frame has " + rgb.length + " pixels, expected " + width * height);
        }
        Bt601.toPicture(rgb, width, height, picture);
        encoded.clear();
        boolean key = encoder.encode(picture, encoded);
        encoded.flip();
        packets.add(new GopEncoder.Packet(NIOUtils.clone(encoded), key));
        frames++;
        audio.push(voice, 0, voice.length);
        if (frames >= firstFragmentFrames && (frames - firstFragmentFrames) % framesPerFragment == 0) {
            encodeAudio(false);
            writeFragment();
        }
    }

    /**
     * Writes the last fragment, with the rest of the voice.
     *
     * @throws IOException if the stream cannot be written
     */
    public void finish() throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("writer is already " + (finished ? "finished" : "closed"));
        }
        finished = true;
        audio.end();
        encodeAudio(true);
        if (!packets.isEmpty() || !aacPending.isEmpty()) {
            writeFragment();
        }
        out.flush();
    }

    /** Ends the writer; the stream written so far stays as it is. */
    @Override
    public void close() {
        closed = true;
        if (sliceHelper != null) {
            sliceHelper.shutdown();
        }
    }

    /**
     * Encodes every AAC frame whose input has arrived; at the end, up to the voice's last sample. The
     * encoder's first 1024 input samples are skipped, so that frame n decodes to the voice's samples
     * [1024 n, 1024 (n + 1)), in step with the video.
     */
    private void encodeAudio(boolean end) {
        long available = audio.arrived();
        float[] block = new float[AAC_FRAME];
        while (end ? AAC_FRAME * aacFrames < available : AAC_FRAME * (aacFrames + 2) <= available) {
            audio.read(AAC_FRAME * (aacFrames + 1), block);
            if (aacPending.isEmpty()) {
                aacPendingFirst = aacFrames;
            }
            byte[] adts = aac.encodeFrame(block);
            int header = (adts[1] & 1) == 1 ? 7 : 9;
            aacPending.add(Arrays.copyOfRange(adts, header, adts.length));
            aacFrames++;
        }
        audio.forgetBefore(AAC_FRAME * (aacFrames + 1));
    }

    private void writeFragment() throws IOException {
        if (!initWritten) {
            byte[] first = packets.isEmpty() ? null : bytes(packets.get(0).data());
            out.write(init(first));
            initWritten = true;
        }
        List<byte[]> samples = new ArrayList<>();
        boolean[] keys = new boolean[packets.size()];
        for (int i = 0; i < packets.size(); i++) {
            samples.add(lengthPrefixed(bytes(packets.get(i).data())));
            keys[i] = packets.get(i).key();
        }
        List<byte[]> audioSamples = new ArrayList<>(aacPending);
        long audioFirst = aacPendingFirst;
        aacPending.clear();
        int videoBytes = samples.stream().mapToInt(b -> b.length).sum();
        int audioBytes = audioSamples.stream().mapToInt(b -> b.length).sum();
        int seq = ++sequence;
        byte[] moof = moof(seq, samples, keys, audioSamples, audioFirst, 0, 0);
        // the offsets from the moof's start to each track's data in the mdat; the sizes do not change
        moof = moof(seq, samples, keys, audioSamples, audioFirst, moof.length + 8, moof.length + 8 + videoBytes);
        out.write(moof);
        Box mdat = new Box("mdat");
        for (byte[] b : samples) {
            mdat.bytes(b);
        }
        for (byte[] b : audioSamples) {
            mdat.bytes(b);
        }
        if (mdat.size() != 8 + videoBytes + audioBytes) {
            throw new IllegalStateException("mdat of " + mdat.size() + " bytes");
        }
        out.write(mdat.toBytes());
        out.flush();
        framesWritten += samples.size();
        packets.clear();
    }

    private byte[] moof(int seq, List<byte[]> video, boolean[] keys, List<byte[]> audioSamples, long audioFirst,
                        int videoOffset, int audioOffset) {
        Box moof = new Box("moof");
        moof.child(new Box("mfhd").full(0, 0).u32(seq));
        if (!video.isEmpty()) {
            Box trun = new Box("trun").full(0, 0x000701).u32(video.size()).u32(videoOffset);
            for (int i = 0; i < video.size(); i++) {
                // duration 1 in the video's timescale (fps); key frames depend on nothing
                trun.u32(1).u32(video.get(i).length).u32(keys[i] ? 0x02000000 : 0x01010000);
            }
            moof.child(new Box("traf")
                    .child(new Box("tfhd").full(0, 0x020000).u32(VIDEO))
                    .child(new Box("tfdt").full(1, 0).u64(framesWritten))
                    .child(trun));
        }
        if (!audioSamples.isEmpty()) {
            Box trun = new Box("trun").full(0, 0x000301).u32(audioSamples.size()).u32(audioOffset);
            for (byte[] s : audioSamples) {
                trun.u32(AAC_FRAME).u32(s.length);
            }
            moof.child(new Box("traf")
                    .child(new Box("tfhd").full(0, 0x020000).u32(AUDIO))
                    .child(new Box("tfdt").full(1, 0).u64(audioFirst * AAC_FRAME))
                    .child(trun));
        }
        return moof.toBytes();
    }

    /** The init segment: the tracks and their codec configurations, no samples. */
    private byte[] init(byte[] firstFrame) {
        byte[][] sets = parameterSets(firstFrame);
        Box ftyp = new Box("ftyp").str("iso6").u32(0).str("iso6").str("cmfc").str("isom").str("avc1").str("mp41");
        Box moov = new Box("moov")
                .child(new Box("mvhd").full(0, 0).u32(0).u32(0).u32(1000).u32(0).u32(0x00010000).u16(0x0100)
                        .zeros(10).matrix().zeros(24).u32(3))
                .child(track(VIDEO, fps, "vide", videoEntry(sets)))
                .child(track(AUDIO, AUDIO_RATE, "soun", audioEntry()))
                .child(new Box("mvex")
                        .child(new Box("trex").full(0, 0).u32(VIDEO).u32(1).u32(0).u32(0).u32(0))
                        .child(new Box("trex").full(0, 0).u32(AUDIO).u32(1).u32(0).u32(0).u32(0)));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ftyp.toBytes());
        b.writeBytes(moov.toBytes());
        return b.toByteArray();
    }

    private Box track(int id, int timescale, String handler, Box sampleEntry) {
        boolean video = id == VIDEO;
        Box tkhd = new Box("tkhd").full(0, 3).u32(0).u32(0).u32(id).u32(0).u32(0).zeros(8).u16(0).u16(video ? 0 : 1)
                .u16(video ? 0 : 0x0100).u16(0).matrix().u32(video ? width << 16 : 0).u32(video ? height << 16 : 0);
        Box minf = new Box("minf")
                .child(video ? new Box("vmhd").full(0, 1).zeros(8) : new Box("smhd").full(0, 0).zeros(4))
                .child(new Box("dinf").child(new Box("dref").full(0, 0).u32(1).child(new Box("url ").full(0, 1))))
                .child(new Box("stbl")
                        .child(new Box("stsd").full(0, 0).u32(1).child(sampleEntry))
                        .child(new Box("stts").full(0, 0).u32(0))
                        .child(new Box("stsc").full(0, 0).u32(0))
                        .child(new Box("stsz").full(0, 0).u32(0).u32(0))
                        .child(new Box("stco").full(0, 0).u32(0)));
        Box mdia = new Box("mdia")
                .child(new Box("mdhd").full(0, 0).u32(0).u32(0).u32(timescale).u32(0).u16(0x55C4).u16(0))
                .child(new Box("hdlr").full(0, 0).u32(0).str(handler).zeros(12)
                        .bytes((video ? "emo4j video" : "emo4j voice").getBytes(StandardCharsets.US_ASCII)).zeros(1))
                .child(minf);
        return new Box("trak").child(tkhd).child(mdia);
    }

    private Box videoEntry(byte[][] sets) {
        byte[] sps = sets[0], pps = sets[1];
        Box avcC = new Box("avcC").u8(1).u8(sps[1] & 0xFF).u8(sps[2] & 0xFF).u8(sps[3] & 0xFF).u8(0xFF).u8(0xE1)
                .u16(sps.length).bytes(sps).u8(1).u16(pps.length).bytes(pps);
        return new Box("avc1").zeros(6).u16(1).zeros(16).u16(width).u16(height).u32(0x00480000).u32(0x00480000).u32(0)
                .u16(1).zeros(32).u16(0x0018).u16(0xFFFF).child(avcC);
    }

    private static Box audioEntry() {
        // AudioSpecificConfig: AAC-LC (2), 48 kHz (index 3), mono
        byte[] asc = {(byte) (2 << 3 | 3 >> 1), (byte) ((3 & 1) << 7 | 1 << 3)};
        byte[] dsi = descriptor(5, asc);
        byte[] config = descriptor(4, concat(new byte[] {0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, dsi));
        byte[] sl = descriptor(6, new byte[] {2});
        byte[] es = descriptor(3, concat(new byte[] {0, 0, 0}, concat(config, sl)));
        return new Box("mp4a").zeros(6).u16(1).zeros(8).u16(1).u16(16).u16(0).u16(0).u32(AUDIO_RATE << 16)
                .child(new Box("esds").full(0, 0).bytes(es));
    }

    private static byte[] descriptor(int tag, byte[] body) {
        if (body.length > 127) {
            throw new IllegalStateException("descriptor of " + body.length + " bytes");
        }
        return concat(new byte[] {(byte) tag, (byte) body.length}, body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }

    /** The NAL units of an Annex B frame, start codes removed. */
    private static List<byte[]> nals(byte[] annexB) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i + 2 < annexB.length; i++) {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) {
                if (start >= 0) {
                    int end = i > 0 && annexB[i - 1] == 0 ? i - 1 : i;
                    out.add(Arrays.copyOfRange(annexB, start, end));
                }
                start = i + 3;
                i += 2;
            }
        }
        if (start >= 0 && start < annexB.length) {
            out.add(Arrays.copyOfRange(annexB, start, annexB.length));
        }
        return out;
    }

    /** A frame's NAL units with 4-byte lengths, as MP4 stores them; parameter sets stay in the init segment. */
    private static byte[] lengthPrefixed(byte[] annexB) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] nal : nals(annexB)) {
            int type = nal[0] & 0x1F;
            if (type == 7 || type == 8) {
                continue;
            }
            b.write(nal.length >>> 24);
            b.write(nal.length >>> 16);
            b.write(nal.length >>> 8);
            b.write(nal.length);
            b.writeBytes(nal);
        }
        return b.toByteArray();
    }

    /** The SPS and PPS of the first key frame. */
    private static byte[][] parameterSets(byte[] firstFrame) {
        byte[] sps = null, pps = null;
        if (firstFrame != null) {
            for (byte[] nal : nals(firstFrame)) {
                int type = nal[0] & 0x1F;
                if (type == 7 && sps == null) {
                    sps = nal;
                } else if (type == 8 && pps == null) {
                    pps = nal;
                }
            }
        }
        if (sps == null || pps == null) {
            throw new IllegalStateException("the first frame of the stream carries no SPS and PPS");
        }
        return new byte[][] {sps, pps};
    }

    /** An ISO BMFF box being written: its type, then its fields and children. */
    private static final class Box {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final String type;

        Box(String type) {
            this.type = type;
        }

        Box u8(int v) {
            body.write(v);
            return this;
        }

        Box u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        Box u32(long v) {
            return u16((int) (v >>> 16) & 0xFFFF).u16((int) v & 0xFFFF);
        }

        Box u64(long v) {
            return u32(v >>> 32).u32(v & 0xFFFFFFFFL);
        }

        Box full(int version, int flags) {
            return u8(version).u8(flags >>> 16).u8(flags >>> 8).u8(flags);
        }

        Box str(String s) {
            body.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Box zeros(int n) {
            body.writeBytes(new byte[n]);
            return this;
        }

        Box bytes(byte[] b) {
            body.writeBytes(b);
            return this;
        }

        /** The identity transformation matrix of {@code mvhd} and {@code tkhd}. */
        Box matrix() {
            return u32(0x00010000).u32(0).u32(0).u32(0).u32(0x00010000).u32(0).u32(0).u32(0).u32(0x40000000);
        }

        Box child(Box c) {
            body.writeBytes(c.toBytes());
            return this;
        }

        int size() {
            return 8 + body.size();
        }

        byte[] toBytes() {
            ByteArrayOutputStream b = new ByteArrayOutputStream(size());
            int n = size();
            b.write(n >>> 24);
            b.write(n >>> 16);
            b.write(n >>> 8);
            b.write(n);
            b.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(body.toByteArray());
            return b.toByteArray();
        }
    }
}
