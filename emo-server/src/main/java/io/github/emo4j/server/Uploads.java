package io.github.emo4j.server;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.video.Mp4Frames;
import io.github.emo4j.video.Mp4Writer;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A request's uploads: saved under names the server chooses (a client's file name never becomes a
 * path), counted against the byte limit as they are copied, and checked by decoding them before a
 * render is queued, so a bad file is refused at once with the same reason the command line gives.
 */
final class Uploads {
    private Uploads() {
    }

    /** Saves the multipart field {@code field} to {@code to}; 400 when it is missing, 413 past {@code maxBytes}. */
    static void save(Context ctx, String field, Path to, long maxBytes) {
        UploadedFile file = part(ctx, field);
        try (InputStream in = file.content(); OutputStream out = Files.newOutputStream(to)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new ApiException(413, field + ": larger than this server's limit of " + (maxBytes >> 20) + " MB");
                }
                out.write(buf, 0, n);
            }
            if (total == 0) {
                throw new ApiException(400, field + ": empty file");
            }
        } catch (IOException e) {
            throw new ApiException(400, field + ": upload broke off: " + e.getMessage());
        }
    }

    private static UploadedFile part(Context ctx, String field) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "send the files as multipart/form-data");
        }
        UploadedFile file = ctx.uploadedFile(field);
        if (file == null) {
            throw new ApiException(400, field + ": missing; give it as a file field named '" + field + "'");
        }
        return file;
    }

    /** Decodes the portrait saved at {@code file}, refusing one above {@code maxPixels} before decoding it. */
    static BufferedImage portrait(Path file, long maxPixels) {
        try {
            return EmoPipeline.readPortraitWithin(file, maxPixels);
        } catch (InvalidInputException e) {
            throw refusal("portrait", file, e.getMessage());
        }
    }

    /**
     * Decodes the voice saved at {@code file}, refusing one longer than {@code maxSeconds} as soon as that
     * much is decoded (413).
     */
    static AudioClip voice(Path file, double maxSeconds) {
        try {
            return EmoPipeline.readAudioWithin(file, maxSeconds);
        } catch (InvalidInputException e) {
            throw refusal("audio", file, e.getMessage());
        }
    }

    /**
     * A decoder's refusal of an upload, with the decoders' own wording told apart: 415 for a kind of file
     * they do not read, 413 for one beyond a limit (pixels, length, memory), else 400 (damaged).
     */
    /** Opens the pose video saved at {@code file} and decodes its first frame: 400 when it is not a playable H.264 MP4. */
    static void poseVideo(Path file) {
        try (Mp4Frames video = Mp4Frames.open(file)) {
            if (!(video.fps() > 0) || video.next() == null) {
                throw new ApiException(400, "pose: the video has no frames");
            }
        } catch (IOException e) {
            throw refusal("pose", file, e.getMessage());
        }
    }

    private static ApiException refusal(String field, Path file, String message) {
        String m = message.replace(file.toString(), field);
        if (!m.startsWith(field)) {
            m = field + ": " + m;
        }
        String lower = m.toLowerCase(Locale.ROOT);
        int status = lower.contains("not a supported") ? 415
                : lower.contains("over the limit") || lower.contains("too long") || lower.contains("too large") ? 413 : 400;
        return new ApiException(status, m);
    }

    /** A render's failure as the client sees it: the server's own paths replaced by the fields they came from. */
    static String named(String message, RenderJob job) {
        if (message == null) {
            return "render failed";
        }
        return message.replace(job.portrait.toString(), "portrait").replace(job.audio.toString(), "audio")
                .replace(job.pose.toString(), "pose")
                .replace(job.video.toString(), "video").replace(job.dir.toString(), "render");
    }

    /**
     * The request's options, each checked: steps, seed, quality (the H.264 quantiser), a face box, and a prompt
     * and negative prompt (for a pack with a text encoder).
     *
     * @param field       a field's value by its name, or {@code null}: a form's, or a WebSocket's query's
     * @param takesPrompt whether the pack has a text encoder; a prompt for one that has none is refused at
     *                    once, not when the render starts
     */
    static RenderJob.Options options(UnaryOperator<String> field, int maxSteps, boolean takesPrompt) {
        int steps = intField(field, "steps", 0, 0, maxSteps);
        long seed = longField(field, "seed", 42);
        int qp = intField(field, "quality", Mp4Writer.DEFAULT_QP, Mp4Writer.MIN_QP, Mp4Writer.MAX_QP);
        String face = field.apply("face");
        FaceBox box = null;
        if (face != null && !face.isBlank()) {
            try {
                box = FaceBox.parse(face.trim());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "face: " + e.getMessage());
            }
        }
        String prompt = textField(field, "prompt"), negative = textField(field, "negative_prompt");
        if ((prompt != null || negative != null) && !takesPrompt) {
            throw new ApiException(400, (prompt != null ? "prompt" : "negative_prompt") + ": this server's pack has no "
                    + "text encoder, so it takes no prompt");
        }
        return new RenderJob.Options(steps, seed, qp, box, prompt, negative);
    }

    /** A prompt's field: absent or blank is the pack's own; longer than a request may give is refused. */
    private static String textField(UnaryOperator<String> field, String name) {
        String v = field.apply(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > RenderRequest.Builder.MAX_PROMPT_CHARS) {
            throw new ApiException(413, name + ": " + v.length() + " characters; at most " + RenderRequest.Builder.MAX_PROMPT_CHARS);
        }
        return v;
    }

    static int intField(UnaryOperator<String> field, String name, int dflt, int min, int max) {
        String v = field.apply(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ApiException(400, name + " must be " + min + " to " + max + ": " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a whole number: '" + shorten(v) + "'");
        }
    }

    private static long longField(UnaryOperator<String> field, String name, long dflt) {
        String v = field.apply(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a whole number: '" + shorten(v) + "'");
        }
    }

    static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
