package io.github.emo4j.video;

import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.nio.file.Path;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * An H.264 MP4's video frames decoded one at a time, in the order they are shown, as packed
 * {@code 0xRRGGBB} pixels converted with the BT.601 limited-range matrix {@link Mp4Writer} uses. A stream
 * with B-frames (ffmpeg's default) is decoded out of order; the frames are put back in order by their
 * presentation times through a window of {@link #REORDER} frames, so a video of any length is read with
 * that many frames in memory. Not thread-safe.
 */
public final class Mp4Frames implements AutoCloseable {
    static {
        JcodecLogging.install();
    }

    /** Decoded frames held back to be put in presentation order: more than H.264 streams reorder in practice. */
    static final int REORDER = 8;

    /** A decoded frame waiting for its turn. */
    private record Decoded(double time, long index, int[] rgb, int width, int height) {
    }

    private final java.util.PriorityQueue<Decoded> pending = new java.util.PriorityQueue<>(
            java.util.Comparator.comparingDouble(Decoded::time).thenComparingLong(Decoded::index));
    private final java.util.ArrayDeque<int[]> spare = new java.util.ArrayDeque<>();
    private int[] shown;
    private boolean ended;
    private final Path file;
    private final FileChannelWrapper channel;
    private final FrameGrab grab;
    private final int frameCount;
    private final double seconds;
    private int decoded;
    private int width;
    private int height;

    private Mp4Frames(Path file, FileChannelWrapper channel, FrameGrab grab, int frameCount, double seconds) {
        this.file = file;
        this.channel = channel;
        this.grab = grab;
        this.frameCount = frameCount;
        this.seconds = seconds;
    }

    /**
     * Opens {@code file}'s first video track.
     *
     * @param file the MP4
     * @return its frames, from the first
     * @throws IOException if the file cannot be read, has no video track, or its video is not H.264
     */
    public static Mp4Frames open(Path file) throws IOException {
        FileChannelWrapper ch = NIOUtils.readableChannel(file.toFile());
        try {
            // straight to the MP4 demuxer: JCodec's format guess from the first 64 kB can take an MP4 for
            // MPEG-PS when its H.264 data happens to hold many start-code-like bytes
            MP4Demuxer d = MP4Demuxer.createMP4Demuxer(ch);
            if (d.getVideoTracks().isEmpty()) {
                throw new IOException(file + ": no video track");
            }
            SeekableDemuxerTrack track = (SeekableDemuxerTrack) d.getVideoTracks().get(0);
            DemuxerTrackMeta meta = track.getMeta();
            if (meta.getCodec() != Codec.H264) {
                throw new IOException(file + ": the video is " + meta.getCodec() + ", not H.264");
            }
            return new Mp4Frames(file, ch, new FrameGrab(track, new AVCMP4Adaptor(meta)), meta.getTotalFrames(),
                    meta.getTotalDuration());
        } catch (IOException | RuntimeException e) {
            ch.close();
            String m = String.valueOf(e.getMessage());
            throw new IOException(m.startsWith(file.toString()) ? m : file + ": not a readable H.264 MP4: " + m, e);
        }
    }

    /**
     * Frames the track holds.
     *
     * @return the count from the track's index
     */
    public int frameCount() {
        return frameCount;
    }

    /**
     * The track's average frame rate.
     *
     * @return frames over duration, 0 when the duration is unknown
     */
    public double fps() {
        return seconds > 0 ? frameCount / seconds : 0;
    }

    /**
     * Width of the frames.
     *
     * @return the last decoded frame's width, 0 before the first
     */
    public int width() {
        return width;
    }

    /**
     * Height of the frames.
     *
     * @return the last decoded frame's height, 0 before the first
     */
    public int height() {
        return height;
    }

    /**
     * Decodes the next frame.
     *
     * @return the next frame in presentation order, {@code width() × height()} packed RGB in an array reused
     *         by a later call; or {@code null} after the last frame
     * @throws IOException if the stream cannot be decoded, or ends before the frames its index lists
     */
    public int[] next() throws IOException {
        if (shown != null) {
            spare.push(shown);
            shown = null;
        }
        while (!ended && pending.size() <= REORDER) {
            PictureWithMetadata p;
            try {
                p = grab.getNativeFrameWithMetadata();
            } catch (RuntimeException e) {
                throw new IOException(file + ": cannot decode its video: " + e.getMessage(), e);
            }
            if (p == null) {
                ended = true;
            } else {
                pending.add(rgb(p, decoded++));
            }
        }
        Decoded next = pending.poll();
        if (next == null) {
            if (decoded < frameCount) {
                throw new IOException(file + ": the video stops after " + decoded + " of its " + frameCount
                        + " frames; the file is cut short or damaged");
            }
            return null;
        }
        width = next.width();
        height = next.height();
        shown = next.rgb();
        return shown;
    }

    /** A decoded picture as packed RGB, in a spare array when one of its size is free. */
    private Decoded rgb(PictureWithMetadata decodedPicture, long index) {
        Picture p = decodedPicture.getPicture();
        int w = p.getCroppedWidth(), h = p.getCroppedHeight();
        int[] out = spare.poll();
        if (out == null || out.length != w * h) {
            out = new int[w * h];
        }
        byte[] y = p.getPlaneData(0), u = p.getPlaneData(1), v = p.getPlaneData(2);
        int ys = p.getPlaneWidth(0), cs = p.getPlaneWidth(1);
        for (int row = 0; row < h; row++) {
            for (int col = 0; col < w; col++) {
                int c = (row >> 1) * cs + (col >> 1);
                out[row * w + col] = Bt601.rgb(y[row * ys + col] + 128, u[c] + 128, v[c] + 128);
            }
        }
        return new Decoded(decodedPicture.getTimestamp(), index, out, w, h);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
