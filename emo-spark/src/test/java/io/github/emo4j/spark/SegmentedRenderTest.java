package io.github.emo4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.Mp4Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long voice rendered as parallel segments and joined: the exact frame count and audio, and joins no
 * more visible than the video's own motion.
 */
class SegmentedRenderTest extends LocalSparkTest {

    @Test
    void segmentsJoinIntoTheWholeVideo(@TempDir Path dir) throws Exception {
        AudioClip clip = Fixtures.longVoice(2, 0.8);
        Path voice = Fixtures.writeWav(dir.resolve("long.wav"), clip);
        Path out = dir.resolve("out");
        Dataset<Row> jobs = spark.createDataFrame(List.of(EmoBatchTest.job("long", Fixtures.PORTRAIT.toString(), null,
                voice.toString(), null, 5L, null)), EmoBatch.JOB_SCHEMA);
        Row r = EmoBatch.render(jobs, BatchOptions.into(out.toString()).withSegmentSeconds(10)).collectAsList().get(0);
        assertEquals("ok", r.getString(1), r.getString(5));
        long expected = Math.round(clip.durationSeconds() * 25);
        assertEquals(expected, r.getLong(2));
        int segments = r.getInt(6);
        List<Long> joins = r.getList(7);
        assertTrue(segments >= 3, "segments: " + segments);
        assertEquals(segments - 1, joins.size());
        assertTrue(r.<String, Double>getJavaMap(9).containsKey("join"));
        Path video = Path.of(r.getString(4));
        Mp4Reader.Info info = Mp4Reader.probe(video);
        assertEquals(expected, info.videoFrames());
        try (var s = Files.list(out)) {
            assertEquals(List.of("long.mp4"), s.map(p -> p.getFileName().toString()).toList(), "segments cleaned up");
        }

        // the same voice rendered whole, for the frames' agreement
        Path whole = dir.resolve("whole.mp4");
        try (EmoPipeline p = EmoPipeline.builder().build()) {
            p.render(RenderRequest.builder(EmoPipeline.readPortrait(Fixtures.PORTRAIT), EmoPipeline.readAudio(voice)).seed(5).build(), whole);
        }
        assertEquals(info.audioSeconds(), Mp4Reader.probe(whole).audioSeconds(), 1e-9, "the same audio track as a whole render");
        float[] heard = Fixtures.decodedAudio(video, clip.sampleRate(), dir);
        if (heard != null) {
            // the whole voice muxed once: at lag 0, padded only to the last AAC frame (1024 samples at 48 kHz),
            // and decoding to exactly what a whole render's track decodes to
            assertTrue(heard.length >= clip.length() && heard.length < clip.length() + 1024 / 3 + 1, "audio samples " + heard.length);
            assertEquals(0, Fixtures.bestLag(clip.samples(), heard, 400), "audio lag in samples");
            assertTrue(Arrays.equals(Fixtures.decodedAudio(whole, clip.sampleRate(), dir), heard), "audio differs from a whole render's");
        }
        List<int[]> joined = EmoBatchTest.frames(video), alone = EmoBatchTest.frames(whole);
        assertEquals(alone.size(), joined.size());
        JoinCheck check = JoinCheck.of(joined, joins, 8);
        JoinCheck wholeCheck = JoinCheck.of(alone, joins, 8);
        double worstVsWhole = 0;
        for (int i = 0; i < joined.size(); i++) {
            worstVsWhole = Math.max(worstVsWhole, JoinCheck.meanAbsDiff(joined.get(i), alone.get(i)));
        }
        System.out.printf("join task %.2f s for %d frames; ", r.<String, Double>getJavaMap(9).get("join"), joined.size());
        System.out.printf("segments %d, joins %s: change at joins max %.3f; elsewhere p50 %.3f p95 %.3f max %.3f; "
                        + "whole render at the same frames max %.3f; joined vs whole, worst frame %.3f levels%n",
                segments, joins, check.atJoins(), check.p50(), check.p95(), check.elsewhereMax(), wholeCheck.atJoins(), worstVsWhole);
        // a join changes the picture no more than the video's own motion does, and little more than the
        // whole render changes at the same frames
        assertTrue(check.atJoins() <= check.elsewhereMax(), "a join shows: " + check.atJoins() + " > " + check.elsewhereMax());
        assertTrue(check.atJoins() <= 1.5 * wholeCheck.atJoins() + 0.05,
                "a join shows: " + check.atJoins() + " against the whole render's " + wholeCheck.atJoins());
        // what is left is the second encoding of the segments (and the reading decoder's colour conversion)
        assertTrue(worstVsWhole < 2.5, "segments drift from the whole render: " + worstVsWhole);
        assertFalse(Double.isNaN(check.atJoins()));
    }

    @Test
    void cutsFallInPausesAndRespectTheLongestSegment() {
        AudioClip clip = Fixtures.longVoice(3, 0.8);
        long total = Math.round(clip.durationSeconds() * 25);
        long[] cuts = SegmentPlan.cuts(clip, 25, total, 250);
        assertEquals(0, cuts[0]);
        assertEquals(total, cuts[cuts.length - 1]);
        for (int i = 1; i < cuts.length; i++) {
            assertTrue(cuts[i] - cuts[i - 1] <= 250, Arrays.toString(cuts));
        }
        // each cut is in silence: the voice is quiet within 40 ms of it
        float[] s = clip.samples();
        for (int i = 1; i < cuts.length - 1; i++) {
            int at = (int) (cuts[i] * clip.sampleRate() / 25);
            double e = 0;
            for (int k = at - 640; k < at + 640; k++) {
                e += s[k] * s[k];
            }
            assertTrue(Math.sqrt(e / 1280) < 0.01, "cut " + cuts[i] + " is not in a pause: rms " + Math.sqrt(e / 1280));
        }
    }

    @Test
    void aVoiceWithoutPausesIsCutAtTheLongestSegment() {
        assertTrue(Arrays.equals(new long[]{0, 100, 200, 250}, SegmentPlan.cuts(List.of(), 250, 100)));
        assertTrue(Arrays.equals(new long[]{0, 80, 170, 250}, SegmentPlan.cuts(List.of(30L, 80L, 170L, 240L), 250, 100)));
    }

    @Test
    void aSliceHoldsExactlyItsFramesOfSamples() {
        AudioClip clip = new AudioClip(new float[44_100 * 3 + 7], 44_100);
        for (long[] range : new long[][]{{0, 31}, {17, 50}, {60, 75}}) {
            AudioClip s = SegmentPlan.slice(clip, range[0], range[1], 25);
            assertEquals(range[1] - range[0], Math.round(s.durationSeconds() * 25));
        }
    }
}
