package io.github.emo4j.video;

import io.github.emo4j.video.files.PartFile;
import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams frames into an H.264 MP4 with the voice track, in constant memory. Output goes to a temporary
 * file beside the target; {@link #finish()} moves the {@code moov} box to the front (faststart, for
 * playback while downloading) and moves the file into place; closing without finishing deletes it, so
 * a failed or cancelled render never leaves a file at the target path.
 *
 * <p>Colour is converted here (BT.601 limited range, see {@link Bt601}) rather than by JCodec; the
 * H.264 encoding runs on {@link EncodingOptions#threads()} threads, a group of pictures each, with the
 * same bytes whatever their number. Not thread-safe: one writer is fed by one thread.
 */
public final class Mp4Writer implements FrameSink {
    static {
        JcodecLogging.install();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Mp4Writer.class);

    /**
     * Default quality: the quantiser of the macroblocks that change from frame to frame (the face); key
     * frames, which carry the unchanging background for the whole group of pictures, are coded
     * {@value #KEY_FRAME_FINER} steps finer. docs/video.md has the measurements behind both.
     */
    public static final int DEFAULT_QP = 26;
    /**
     * Finest quantiser allowed. Below it JCodec 0.2.5's CAVLC writer corrupts saturated colour blocks
     * (measured: pure colour bars decode 255 levels off at QP 8 and below).
     */
    public static final int MIN_QP = 10;
    /**
     * Coarsest quantiser allowed. JCodec 0.2.5 quantises chroma with the luma quantiser, while a decoder
     * maps it through H.264's Table 8-15, which differs from 30 up: colours would come out shifted.
     */
    public static final int MAX_QP = 29;
    /** How much finer key frames are quantised than the changing macroblocks of predicted frames. */
    public static final int KEY_FRAME_FINER = 13;

    /**
     * Coarsest quantiser of key frames: JCodec 0.2.5's Intra 16x16 writer predicts from deblocked samples,
     * which matches a decoder (whose filter is off here) only where the filter would change nothing.
     */
    static final int MAX_KEY_QP = 15;

    /** The quantiser of a macroblock at quality {@code qp}: finer in key frames, within the allowed range. */
    static int macroblockQp(int qp, boolean key) {
        return Math.max(MIN_QP, Math.min(key ? MAX_KEY_QP : MAX_QP, key ? qp - KEY_FRAME_FINER : qp));
    }
    /** Memory the YUV pictures waiting for the encoding threads may take. */
    static final long PICTURE_MEMORY = 192L << 20;

    private final Path target;
    private final Path temp;
    private final FileChannelWrapper channel;
    private final MP4Muxer muxer;
    private final MuxerTrack videoTrack;
    private final GopEncoder encoder;
    private final int width;
    private final int height;
    private final int fpsNum;
    private final int fpsDen;
    private final int audioRate;
    private final AudioOut audioOut;
    private long frames;
    private long muxed;
    private boolean finished;
    private boolean closed;

    /**
     * Opens a writer.
     *
     * @param target    the final MP4 path; its parent folder must exist
     * @param width     even frame width
     * @param height    even frame height
     * @param fpsNum    frame rate numerator
     * @param fpsDen    frame rate denominator
     * @param audio     mono samples in [-1, 1] to mux, or {@code null} for a silent video
     * @param audioRate their sample rate
     * @throws IOException if the partial file cannot be created
     */
    public Mp4Writer(Path target, int width, int height, int fpsNum, int fpsDen, float[] audio, int audioRate)
            throws IOException {
        this(target, width, height, fpsNum, fpsDen, audio, audioRate, EncodingOptions.DEFAULT);
    }

    /**
     * Opens a writer with a chosen quantiser and audio codec, and the default key-frame interval.
     *
     * @param target    the final MP4 path; its parent folder must exist
     * @param width     even frame width
     * @param height    even frame height
     * @param fpsNum    frame rate numerator
     * @param fpsDen    frame rate denominator
     * @param audio     mono samples in [-1, 1] to mux, or {@code null} for a silent video
     * @param audioRate their sample rate
     * @param qp        H.264 quantiser of changing macroblocks, {@value #MIN_QP} to {@value #MAX_QP}
     * @param codec     how the voice is stored
     * @throws IOException if the partial file cannot be created
     */
    public Mp4Writer(Path target, int width, int height, int fpsNum, int fpsDen, float[] audio, int audioRate, int qp,
                     AudioCodec codec) throws IOException {
        this(target, width, height, fpsNum, fpsDen, audio, audioRate,
                EncodingOptions.DEFAULT.withQp(qp).withAudioCodec(codec));
    }

    /**
     * Opens a writer with the given encoding options.
     *
     * @param target    the final MP4 path; its parent folder must exist
     * @param width     even frame width
     * @param height    even frame height
     * @param fpsNum    frame rate numerator
     * @param fpsDen    frame rate denominator
     * @param audio     mono samples in [-1, 1] to mux, or {@code null} for a silent video
     * @param audioRate their sample rate
     * @param options   quantiser, key frames, audio codec and encoding threads
     * @throws IOException if the partial file cannot be created
     */
    public Mp4Writer(Path target, int width, int height, int fpsNum, int fpsDen, float[] audio, int audioRate,
                     EncodingOptions options) throws IOException {
        int qp = options.qp();
        AudioCodec codec = options.audioCodec();
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("frame size must be positive and even: " + width + "x" + height);
        }
        if (fpsNum <= 0 || fpsDen <= 0) {
            throw new IllegalArgumentException("invalid frame rate " + fpsNum + "/" + fpsDen);
        }
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(target + ": output folder " + dir + " does not exist");
        }
        this.temp = PartFile.beside(this.target);
        this.width = width;
        this.height = height;
        this.fpsNum = fpsNum;
        this.fpsDen = fpsDen;
        this.audioRate = audioRate;
        FileChannelWrapper ch = null;
        try {
            ch = NIOUtils.writableChannel(temp.toFile());
            this.channel = ch;
            this.muxer = MP4Muxer.createMP4MuxerToChannel(ch);
            this.videoTrack = muxer.addVideoTrack(Codec.H264,
                    VideoCodecMeta.createSimpleVideoCodecMeta(new Size(width, height), ColorSpace.YUV420J));
            this.audioOut = audio == null ? null
                    : codec == AudioCodec.PCM ? new PcmAudioOut(muxer, audio, audioRate) : new AacAudioOut(muxer, audio, audioRate);
        } catch (IOException | RuntimeException e) {
            NIOUtils.closeQuietly(ch);
            Files.deleteIfExists(temp);
            throw e;
        }
        int w16 = (width + 15) & ~15, h16 = (height + 15) & ~15;
        this.encoder = new GopEncoder(w16, h16, new Rect(0, 0, width, height), qp, options.keyInterval(),
                options.effectiveThreads(), PICTURE_MEMORY);
    }

    @Override
    public void accept(int[] rgb) throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("writer is already " + (finished ? "finished" : "closed"));
        }
        if (rgb.length != width * height) {
            throw new IllegalArgumentException("frame has " + rgb.length + " pixels, expected " + width * height);
        }
        Picture picture = encoder.picture();
        Bt601.toPicture(rgb, width, height, picture);
        encoder.submit(picture);
        frames++;
        if (audioOut != null) {
            // the voice of this frame is encoded now, beside the video's encoding, not after the last frame
            audioOut.prepareUpTo(frames * fpsDen * (long) audioRate / fpsNum);
        }
        mux(encoder.ready());
    }

    /** Adds encoded frames to the video track in order, with the audio up to their time. */
    private void mux(List<GopEncoder.Packet> packets) throws IOException {
        for (GopEncoder.Packet e : packets) {
            Packet p = Packet.createPacket(e.data(), muxed * fpsDen, fpsNum, fpsDen, muxed,
                    e.key() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null);
            videoTrack.addFrame(p);
            muxed++;
            writeAudioUpTo(muxed);
        }
    }

    /** Interleaves audio with video in half-second steps so players need not seek back and forth. */
    private void writeAudioUpTo(long videoFrames) throws IOException {
        if (audioOut != null) {
            audioOut.writeUpTo(videoFrames * fpsDen * (long) audioRate / fpsNum);
        }
    }

    /**
     * Frames written so far.
     *
     * @return the count
     */
    public long frameCount() {
        return frames;
    }

    @Override
    public void finish() throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("writer is already " + (finished ? "finished" : "closed"));
        }
        mux(encoder.finish());
        encoder.close();
        if (audioOut != null) {
            audioOut.finish();
        }
        muxer.finish();
        channel.close();
        Path fast = PartFile.beside(target);
        try {
            Mp4Faststart.rewrite(temp, fast);
            Files.move(fast, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fast);
            Files.deleteIfExists(temp);
        }
        finished = true;
        LOG.debug("wrote {} frames to {}", frames, target);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        encoder.close();
        if (!finished) {
            NIOUtils.closeQuietly(channel);
            Files.deleteIfExists(temp);
        }
    }
}
