package io.github.emo4j.spark;

import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.EncodingOptions;
import io.github.emo4j.video.Mp4Reader;
import io.github.emo4j.video.Mp4Writer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins a long voice's rendered segments into one MP4: each segment's kept frames in order, the frames two
 * neighbours share cross-faded from the earlier to the later, and the whole voice muxed once, so the audio
 * is the original to the sample and its AAC priming is handled once, by the writer's edit list.
 */
final class SegmentJoiner implements Serializable {
    private final BatchOptions options;
    private final HadoopFiles files;

    SegmentJoiner(BatchOptions options, HadoopFiles files) {
        this.options = options;
        this.files = files;
    }

    /** The joined video of one job, from its segments' results in order. */
    UnitResult join(List<UnitResult> segments) {
        WorkUnit firstUnit = segments.get(0).unit();
        Job job = firstUnit.job();
        WorkUnit whole = new WorkUnit(job, 0, 1, firstUnit.totalFrames(), firstUnit.fps(), 0, firstUnit.totalFrames(),
                0, firstUnit.totalFrames(), job.output());
        long started = System.nanoTime();
        Path scratch = UnitRenderer.scratch();
        try {
            AudioClip voice = EmoPipeline.readAudio(files.local(job.audio(), job.audioBytes(), job.audioName(),
                    HadoopFiles.MAX_AUDIO_BYTES, Files.createDirectories(scratch.resolve("audio"))));
            UnitResult s0 = segments.get(0);
            int fps = firstUnit.fps();
            int qp = quality(RenderOptions.of(options, job));
            Path out = scratch.resolve("joined.mp4");
            long written;
            try (Mp4Writer writer = new Mp4Writer(out, s0.width(), s0.height(), fps, 1, voice.samples(),
                    voice.sampleRate(), EncodingOptions.DEFAULT.withQp(qp))) {
                written = writeFrames(segments, writer, scratch);
                writer.finish();
            }
            if (written != firstUnit.totalFrames()) {
                throw new IllegalStateException(job.id() + ": joined " + written + " frames, not " + firstUnit.totalFrames());
            }
            files.publish(out, job.output(), UnitRenderer.attempt());
            Map<String, Double> stages = new LinkedHashMap<>();
            for (UnitResult r : segments) {
                r.stageSeconds().forEach((k, v) -> stages.merge(k, v, Double::sum));
            }
            double joinSeconds = (System.nanoTime() - started) / 1e9;
            stages.put("join", joinSeconds);
            double renderSeconds = segments.stream().mapToDouble(UnitResult::renderSeconds).sum() + joinSeconds;
            String providers = String.join(",", segments.stream().map(UnitResult::provider).distinct().sorted().toList());
            return new UnitResult(whole, true, written, fps, s0.width(), s0.height(), null, renderSeconds, stages, providers);
        } catch (RenderCancelledException e) {
            throw e;
        } catch (EmoException e) {
            return UnitResult.failed(whole, UnitRenderer.oneLine(e.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(job.id() + ": join: " + e.getMessage(), e);
        } finally {
            UnitRenderer.deleteTree(scratch);
        }
    }

    /**
     * Writes the kept frames of every segment; frames in {@code [keepFrom, keepFrom + J)} of a later segment
     * are blended with the earlier segment's same frames, its weight rising from 1/(2J) to 1 − 1/(2J).
     */
    private long writeFrames(List<UnitResult> segments, Mp4Writer writer, Path scratch) throws IOException {
        int join = options.joinFrames();
        int[][] shared = null;
        long written = 0;
        for (UnitResult seg : segments) {
            WorkUnit u = seg.unit();
            Path file = files.local(u.output(), null, u.output(), Long.MAX_VALUE,
                    Files.createDirectories(scratch.resolve("segment-" + u.segment())));
            int[][] previous = shared;
            int[][] next = u.segment() < u.segments() - 1 ? new int[join][] : null;
            long[] count = {0};
            try {
                Mp4Reader.frames(file, (rgb, k) -> {
                    long g = u.first() + k;
                    if (g < u.keepFrom() || g >= u.keepTo()) {
                        return;
                    }
                    int[] frame = rgb;
                    if (previous != null && g < u.keepFrom() + join) {
                        int j = (int) (g - u.keepFrom());
                        frame = blend(previous[j], rgb, (j + 0.5) / join);
                    }
                    if (next != null && g >= u.keepTo() - join) {
                        next[(int) (g - (u.keepTo() - join))] = frame.clone();
                        return;
                    }
                    try {
                        writer.accept(frame);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    count[0]++;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            written += count[0];
            if (next != null) {
                for (int[] f : next) {
                    if (f == null) {
                        throw new IOException(u.output() + ": segment ends before frame " + u.keepTo());
                    }
                }
            }
            shared = next;
        }
        return written;
    }

    /** {@code (1 − w)·a + w·b} per channel, rounded. */
    static int[] blend(int[] a, int[] b, double w) {
        int[] out = new int[a.length];
        int wb = (int) Math.round(w * 256), wa = 256 - wb;
        for (int i = 0; i < a.length; i++) {
            int x = a[i], y = b[i];
            int r = (((x >> 16) & 255) * wa + ((y >> 16) & 255) * wb + 128) >> 8;
            int gr = (((x >> 8) & 255) * wa + ((y >> 8) & 255) * wb + 128) >> 8;
            int bl = ((x & 255) * wa + (y & 255) * wb + 128) >> 8;
            out[i] = (r << 16) | (gr << 8) | bl;
        }
        return out;
    }

    private static int quality(Map<String, String> merged) {
        String q = merged.get("quality");
        return q == null ? EncodingOptions.DEFAULT.qp() : Integer.parseInt(q.trim());
    }
}
