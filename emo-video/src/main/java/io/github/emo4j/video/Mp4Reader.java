package io.github.emo4j.video;

import io.github.emo4j.audio.jcodec.JcodecLogging;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.ObjIntConsumer;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * Reads back MP4 files written by {@link Mp4Writer} (or any H.264 MP4 JCodec decodes): track facts,
 * and the frames as packed RGB converted with the same BT.601 limited-range matrix the writer uses.
 */
public final class Mp4Reader {
    static {
        JcodecLogging.install();
    }

    private Mp4Reader() {
    }

    /**
     * What an MP4 holds.
     *
     * @param videoFrames   frames in the video track
     * @param videoSeconds  duration of the video track
     * @param width         frame width
     * @param height        frame height
     * @param audioSeconds  duration of the first audio track, or 0 without one
     * @param audioCodec    its codec name, or {@code null}
     */
    public record Info(int videoFrames, double videoSeconds, int width, int height, double audioSeconds, String audioCodec) {

        /**
         * Frames per second.
         *
         * @return video frames over video seconds
         */
        public double fps() {
            return videoFrames / videoSeconds;
        }
    }

    /**
     * What an MP4 holds: its video track's frames, duration and size, and its first audio track.
     *
     * @param file the MP4
     * @return the summary
     * @throws IOException if the file cannot be read or parsed
     */
    public static Info probe(Path file) throws IOException {
        try (FileChannelWrapper ch = NIOUtils.readableChannel(file.toFile())) {
            MP4Demuxer d = MP4Demuxer.createMP4Demuxer(ch);
            if (d.getVideoTracks().isEmpty()) {
                throw new IOException(file + ": no video track");
            }
            DemuxerTrackMeta v = d.getVideoTracks().get(0).getMeta();
            double audio = 0;
            String codec = null;
            if (!d.getAudioTracks().isEmpty()) {
                DemuxerTrack a = d.getAudioTracks().get(0);
                audio = a.getMeta().getTotalDuration();
                codec = a.getMeta().getCodec() == null ? "unknown" : a.getMeta().getCodec().name().toLowerCase();
            }
            var size = v.getVideoCodecMeta().getSize();
            return new Info(v.getTotalFrames(), v.getTotalDuration(), size.getWidth(), size.getHeight(), audio, codec);
        }
    }

    /**
     * Decodes every frame in order, handing each as packed {@code 0xRRGGBB} pixels with its index.
     *
     * @param file     the MP4
     * @param consumer takes each frame and its index; the array is reused
     * @throws IOException if the file cannot be read or decoded
     */
    public static void frames(Path file, ObjIntConsumer<int[]> consumer) throws IOException {
        try (Mp4Frames frames = Mp4Frames.open(file)) {
            int index = 0;
            for (int[] rgb = frames.next(); rgb != null; rgb = frames.next()) {
                consumer.accept(rgb, index++);
            }
        }
    }
}
