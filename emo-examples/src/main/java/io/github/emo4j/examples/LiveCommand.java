package io.github.emo4j.examples;

import io.github.emo4j.CancelToken;
import io.github.emo4j.EmoException;
import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.LiveFrame;
import io.github.emo4j.LiveMp4;
import io.github.emo4j.LiveOptions;
import io.github.emo4j.LiveSession;
import io.github.emo4j.LiveStats;
import io.github.emo4j.RenderCancelledException;
import io.github.emo4j.PackInfo;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.video.Mp4Writer;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emo live}: a live session fed a voice file in 20 ms chunks at real-time pace, as a microphone
 * would, its frames written to an MP4 as they come; at the end, the first-frame delay and the latency
 * percentiles.
 */
@Command(name = "live", sortOptions = false,
        description = {"A live session fed the voice in 20 ms chunks at real-time pace (or as fast as it takes them), "
                + "written as fragmented MP4 as it comes; prints the first-frame delay and the latency percentiles."})
final class LiveCommand extends EmoCommand {
    /** A chunk of voice, as a microphone's callback delivers it. */
    static final double CHUNK_SECONDS = 0.02;

    @Option(names = "--portrait", required = true, paramLabel = "FILE", description = "the portrait")
    Path portraitFile;

    @Option(names = "--audio", required = true, paramLabel = "FILE", description = "the voice, fed as if spoken now")
    Path audioFile;

    @Option(names = "--out", required = true, paramLabel = "FILE.mp4|-", description = "the stream's file, or - for standard output (| ffplay -)")
    Path out;

    @Option(names = "--as-fast-as-possible", description = "feed the voice as fast as the session takes it, not at its pace")
    boolean asFastAsPossible;

    @Option(names = "--clip-frames", paramLabel = "N",
            description = "frames per clip, 1 to 64 (default: the pack's); fewer frames come sooner (docs/live.md)")
    Integer clipFrames;

    @Option(names = "--first-clip-frames", paramLabel = "N",
            description = "frames of the first clip, 1 to --clip-frames (default: as the others); the first frame then "
                    + "waits for less voice (docs/live.md)")
    Integer firstClipFrames;

    @Option(names = "--lag-policy", paramLabel = "POLICY", description = "what to do when the video falls more than "
            + "--max-lag behind the voice: fewer-steps (default), lower-frame-rate or stop (docs/live.md)")
    String lagPolicy;

    @Option(names = "--max-lag", paramLabel = "SECONDS", description = "lag allowed beyond the clip and audio window "
            + "every frame waits for, above 0 and at most 600 (default 2)")
    Double maxLag;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    AnimationOptions animation;

    @Mixin
    ConditionOptions conditions;

    LiveCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws IOException {
        CancelToken cancel = console.cancel();
        PrintStream err = console.err();
        boolean toStdout = out.toString().equals("-");
        if (!toStdout && (out.getFileName() == null || !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4"))) {
            throw new InvalidInputException(out + ": output must be an .mp4 file");
        }
        LiveOptions.LagPolicy lagPolicy = policy();
        double lagSeconds = maxLag();
        if (!toStdout) {
            Inputs.refuseOverwrite("out", out, "portrait", portraitFile.toString(), "audio", audioFile.toString());
        }
        BufferedImage portrait = EmoPipeline.readPortrait(portraitFile);
        AudioClip voice = EmoPipeline.readAudio(audioFile);
        boolean realTime = !asFastAsPossible;
        RenderRequest.Builder req = RenderRequest.live(portrait).clipFrames(Numbers.within("--clip-frames", clipFrames, 0, 1, 64))
                .firstClipFrames(Numbers.within("--first-clip-frames", firstClipFrames, 0, 1, 64));
        animation.apply(req);
        conditions.apply(req);
        Path abs = toStdout ? null : out.toAbsolutePath();
        if (abs != null && abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        try (EmoPipeline emo = pipeline.builder(console.err()).build()) {
            RenderRequest request = req.build();
            Writer writer = new Writer(abs, request, emo.packInfo(), voice.sampleRate());
            try {
                LiveOptions options = LiveOptions.DEFAULT.withSampleRate(voice.sampleRate()).withRealTime(realTime)
                        .withLag(lagSeconds, lagPolicy);
                LiveStats stats;
                try (LiveSession session = emo.live(request, options, writer)) {
                    try {
                        feed(session, voice, realTime, cancel);
                        session.end();
                    } catch (IllegalStateException over) {
                        // the session ended itself between a check and a feed: its own error says why, below
                        if (!session.isOver()) {
                            throw over;
                        }
                    }
                    stats = awaitEnd(session, cancel);
                }
                writer.commit();
                err.printf(Locale.ROOT, "wrote %s: %d frames as fragmented MP4, live%s; first frame %.0f ms after the first voice sample; "
                                + "latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d sampling steps a clip at %d rendered fps at the "
                                + "end%n", out, stats.frames(),
                        realTime ? " in real time" : " as fast as possible", stats.firstFrameNanos() / 1e6,
                        stats.latencyP50Nanos() / 1e6, stats.latencyP99Nanos() / 1e6, stats.latencyMaxNanos() / 1e6,
                        stats.steps(), stats.renderFps());
            } finally {
                writer.close();
            }
        }
        return 0;
    }

    /** {@code --max-lag}, checked. */
    private double maxLag() {
        if (maxLag == null) {
            return LiveOptions.DEFAULT.maxLagSeconds();
        }
        if (!(maxLag > 0 && maxLag <= 600)) {
            throw new InvalidInputException("--max-lag must be above 0 and at most 600 seconds: " + maxLag);
        }
        return maxLag;
    }

    /** The lag policy {@code --lag-policy} names. */
    private LiveOptions.LagPolicy policy() {
        if (lagPolicy == null) {
            return LiveOptions.DEFAULT.lagPolicy();
        }
        return switch (lagPolicy) {
            case "fewer-steps" -> LiveOptions.LagPolicy.FEWER_STEPS;
            case "lower-frame-rate" -> LiveOptions.LagPolicy.LOWER_FRAME_RATE;
            case "stop" -> LiveOptions.LagPolicy.STOP;
            default -> throw new InvalidInputException("--lag-policy: '" + lagPolicy
                    + "' is not one of fewer-steps, lower-frame-rate, stop");
        };
    }

    /** Waits for the session's end, its failure thrown; Ctrl-C stops the wait. */
    private static LiveStats awaitEnd(LiveSession session, CancelToken cancel) {
        try {
            LiveStats stats;
            while ((stats = session.awaitEnd(50, TimeUnit.MILLISECONDS)) == null) {
                if (cancel.isCancelled()) {
                    throw new RenderCancelledException("interrupted; no output was written");
                }
            }
            return stats;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderCancelledException("interrupted; no output was written");
        }
    }

    /** Feeds the voice in 20 ms chunks: at the clock's pace, or as fast as the session takes them. */
    private static void feed(LiveSession session, AudioClip voice, boolean realTime, CancelToken cancel) {
        int chunk = (int) Math.round(CHUNK_SECONDS * voice.sampleRate());
        float[] s = voice.samples();
        long start = System.nanoTime();
        for (int i = 0; i < s.length; i += chunk) {
            if (cancel.isCancelled()) {
                throw new RenderCancelledException("interrupted; no output was written");
            }
            if (session.isOver()) {
                return;
            }
            float[] piece = Arrays.copyOfRange(s, i, Math.min(s.length, i + chunk));
            if (realTime) {
                long due = start + (long) (i / (double) voice.sampleRate() * 1e9);
                sleepUntil(due);
            } else {
                // as fast as the session takes it: wait while a second of voice is waiting
                while (session.bufferedSeconds() > 1 && !session.isOver()) {
                    sleepUntil(System.nanoTime() + 2_000_000);
                }
            }
            session.feed(piece, voice.sampleRate());
        }
    }

    private static void sleepUntil(long due) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RenderCancelledException("interrupted; no output was written");
            }
        }
    }

    /**
     * Writes the frames as they come as fragmented MP4 ({@link LiveMp4}), a fragment a clip: to a partial
     * file moved into place when the session ends well, or straight to standard output.
     */
    private static final class Writer implements LiveSession.Listener {
        private final Path out;
        private final Path part;
        private final OutputStream stream;
        private final LiveMp4 mp4;

        Writer(Path out, RenderRequest request, PackInfo pack, int rate) throws IOException {
            this.out = out;
            this.part = out == null ? null : PartFiles.beside(out);
            this.stream = new BufferedOutputStream(out == null ? System.out : Files.newOutputStream(part), 1 << 16);
            this.mp4 = LiveMp4.forSession(request, pack, rate, Mp4Writer.DEFAULT_QP, (piece, frames) -> {
                stream.write(piece);
                stream.flush();
            });
        }

        @Override
        public void onFrame(LiveFrame f) {
            mp4.onFrame(f);
        }


        void commit() throws IOException {
            try {
                mp4.finish();
            } catch (IOException e) {
                throw new EmoException((out == null ? "standard output" : out) + ": cannot write the stream: "
                        + e.getMessage(), e);
            }
            stream.flush();
            if (part != null) {
                stream.close();
                Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                PartFiles.delete(part);
            }
        }

        void close() throws IOException {
            mp4.close();
            if (part != null) {
                stream.close();
                PartFiles.delete(part);
            }
        }
    }
}
