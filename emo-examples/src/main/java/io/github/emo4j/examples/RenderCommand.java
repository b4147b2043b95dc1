package io.github.emo4j.examples;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.NoFaceException;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.TraceDirectory;
import io.github.emo4j.Video;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emo render}: a portrait animated by a voice, to an MP4. */
@Command(name = "render", sortOptions = false,
        description = "Animate a portrait with a voice, to an MP4. On any failure no file is left at --out.")
final class RenderCommand extends EmoCommand {
    @Option(names = "--portrait", required = true, paramLabel = "FILE", description = "the portrait: PNG, JPEG, BMP, GIF or WebP")
    Path portrait;

    @Option(names = "--audio", required = true, paramLabel = "FILE",
            description = "the voice: WAV, AIFF, AU, FLAC, MP3, MP2, M4A, Ogg or WebM (Opus, Vorbis)")
    Path audio;

    @Option(names = "--out", required = true, paramLabel = "FILE.mp4", description = "the video to write")
    Path out;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    AnimationOptions animation;

    @Mixin
    RenderOptions render;

    RenderCommand(Console console) {
        super(console);
    }

    @Override
    int execute() throws IOException {
        render(portrait, audio, out, pipeline, animation, render, console);
        return 0;
    }

    /** Renders {@code portraitFile} with {@code audioFile} to {@code out}, reporting on the console's error stream. */
    static void render(Path portraitFile, Path audioFile, Path out, PipelineOptions pipeline, AnimationOptions animation,
                       RenderOptions options, Console console) {
        if (out.getFileName() == null || !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4")) {
            throw new InvalidInputException(out + ": output must be an .mp4 file");
        }
        Inputs.refuseOverwrite("out", out, "portrait", portraitFile.toString(), "audio", audioFile.toString());
        if (Files.isDirectory(out)) {
            throw new InvalidInputException(out + ": is a folder; give the video a file name");
        }
        BufferedImage portrait = EmoPipeline.readPortrait(portraitFile, options.backgroundRgb());
        AudioClip audio = EmoPipeline.readAudio(audioFile);
        RenderRequest.Builder req = RenderRequest.builder(portrait, audio);
        animation.apply(req);
        options.apply(req);
        EmoPipeline.Builder b = pipeline.builder(console.err());
        req.cancel(console.cancel());
        TraceDirectory trace = options.trace != null ? traceDirectory(options.trace) : null;
        if (trace != null) {
            req.trace(trace);
        }
        ProgressBar bar = options.quiet ? null : new ProgressBar(console.err());
        EmoCli.activeBar = bar;
        if (bar != null) {
            req.progress(bar);
        }
        long t0 = System.nanoTime();
        try (EmoPipeline emo = b.build()) {
            int fps = options.fpsOrPack() > 0 ? options.fpsOrPack() : emo.packInfo().fps();
            if (Math.round(audio.durationSeconds() * fps) < 1) {
                throw new InvalidInputException(String.format(Locale.ROOT, "%s: audio is too short (%.3f s) for one frame at %d fps",
                        audioFile, audio.durationSeconds(), fps));
            }
            FaceBox face = animation.faceBox();
            if (face != null) {
                try {
                    emo.locateFace(portrait, face);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(portraitFile + ": " + e.getMessage(), e);
                }
            }
            Video o;
            try {
                o = emo.render(req.build(), out);
            } catch (NoFaceException e) {
                throw new InvalidInputException(portraitFile + ": " + e.getMessage(), e);
            }
            if (bar != null) {
                bar.done();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            console.err().printf(Locale.ROOT, "wrote %s: %d frames, %dx%d at %d fps, %.1f s of video in %.1f s (%.2f s per second of audio)%n",
                    out, o.frameCount(), o.width(), o.height(), o.fps(), o.frameCount() / (double) o.fps(), secs,
                    secs / audio.durationSeconds());
        } finally {
            if (bar != null) {
                bar.done();
            }
            if (trace != null) {
                try {
                    trace.close();
                } catch (IOException e) {
                    console.err().println("emo: " + options.trace + ": cannot write index.json: " + e.getMessage());
                }
            }
        }
    }

    /** A trace folder that is new or empty, so that no earlier trace mixes into it. */
    private static TraceDirectory traceDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new InvalidInputException(dir + ": --trace needs a new or empty folder");
                    }
                }
            }
            return new TraceDirectory(dir);
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": cannot create the trace folder: " + e.getMessage(), e);
        }
    }
}
