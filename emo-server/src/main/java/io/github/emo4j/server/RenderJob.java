package io.github.emo4j.server;

import io.github.emo4j.CancelToken;
import io.github.emo4j.face.FaceBox;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One render the server was asked for: its inputs on disk, its state, and the fragmented MP4 it is
 * writing. The render's thread updates it; request threads read it and wait on it for more video.
 */
final class RenderJob {
    /** Where a render is. */
    enum State {
        QUEUED, RUNNING, DONE, FAILED, CANCELLED;

        boolean over() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the request asked for, checked; {@code face} is the one asked for, or {@code null}. */
    record Options(int steps, long seed, int qp, FaceBox face, String prompt, String negativePrompt) {
    }

    /** An event for the page: its SSE name and JSON data. */
    record Event(String name, String data) {
    }

    final String id;
    final Path dir;
    final Path portrait;
    final Path audio;
    /** Where an uploaded pose video is kept; {@link #hasPose} says whether one was. */
    final Path pose;
    final Path video;
    /** Set once the render is deleted: a render still running then deletes its folder again when it ends. */
    volatile boolean removed;
    final Options options;
    final CancelToken cancel = new CancelToken();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private State state = State.QUEUED;
    private double fraction;
    private double etaSeconds = -1;
    private FaceBox face;
    private volatile boolean hasPose;
    private String error;
    private long videoBytes;
    private long frames;
    private long finishedAt;

    RenderJob(String id, Path dir, Options options) {
        this.id = id;
        this.dir = dir;
        this.portrait = dir.resolve("portrait");
        this.audio = dir.resolve("audio");
        this.pose = dir.resolve("pose.mp4");
        this.video = dir.resolve("video.mp4");
        this.options = options;
    }

    /** The render is driven by the pose video uploaded to {@link #pose}. */
    void usePose() {
        hasPose = true;
    }

    /** Whether a pose video was uploaded. */
    boolean hasPose() {
        return hasPose;
    }

    synchronized State state() {
        return state;
    }

    /** Whether the render ended longer than {@code ttlNanos} ago. */
    synchronized boolean expired(long now, long ttlNanos) {
        return state.over() && now - finishedAt > ttlNanos;
    }

    synchronized boolean start() {
        if (state != State.QUEUED) {
            return false;
        }
        state = State.RUNNING;
        return true;
    }

    void progress(double fraction, double eta) {
        synchronized (this) {
            this.fraction = fraction;
            this.etaSeconds = eta;
        }
        send(new Event("progress", String.format(Locale.ROOT, "{\"fraction\":%.4f,\"etaSeconds\":%.1f}", fraction, eta)));
    }

    /** The face the render animates, found when it was asked for. */
    synchronized FaceBox face() {
        return face;
    }

    void face(FaceBox box) {
        synchronized (this) {
            this.face = box;
        }
        send(new Event("face", faceJson(box)));
    }

    /** More of the video is on disk. */
    synchronized void wrote(long bytes) {
        videoBytes = bytes;
        notifyAll();
    }

    void done(long frames) {
        end(State.DONE, null, frames);
    }

    void fail(String reason) {
        end(State.FAILED, reason, 0);
    }

    void cancelled() {
        end(State.CANCELLED, "cancelled", 0);
    }

    private void end(State to, String reason, long frames) {
        synchronized (this) {
            if (state.over()) {
                return;
            }
            state = to;
            error = reason;
            this.frames = frames;
            if (to == State.DONE) {
                fraction = 1;
                etaSeconds = 0;
            }
            finishedAt = System.nanoTime();
            notifyAll();
        }
        send(ending());
    }

    /** The last event of a render that is over: done with its frames, or its one-line error. */
    synchronized Event ending() {
        return state == State.DONE ? new Event("done", "{\"frames\":" + frames + "}") : new Event("error", JsonText.error(error));
    }

    /**
     * Waits until the video holds more than {@code have} bytes or the render is over, at most
     * {@code millis}; returns the bytes on disk, or -1 once the render is over and no more will come.
     */
    synchronized long awaitVideo(long have, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (videoBytes <= have && !state.over()) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return videoBytes;
            }
            wait(left);
        }
        return videoBytes > have ? videoBytes : -1;
    }

    void listen(Consumer<Event> listener) {
        listeners.add(listener);
    }

    void unlisten(Consumer<Event> listener) {
        listeners.remove(listener);
    }

    private void send(Event e) {
        for (Consumer<Event> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ignored) {
                // a client that went away is removed by its own close handler
                listeners.remove(l);
            }
        }
    }

    /** The render's status as the API gives it. */
    synchronized String json() {
        return String.format(Locale.ROOT, "{\"id\":%s,\"state\":\"%s\",\"fraction\":%.4f,\"etaSeconds\":%.1f,\"face\":%s,"
                        + "\"pose\":%b,\"frames\":%d,\"error\":%s,\"video\":%s}",
                JsonText.quote(id), state.json(), fraction, etaSeconds, face == null ? "null" : faceJson(face), hasPose,
                frames, JsonText.quote(error), JsonText.quote("/api/renders/" + id + "/video"));
    }

    private static String faceJson(FaceBox b) {
        return "[" + b.x() + "," + b.y() + "," + b.width() + "," + b.height() + "]";
    }
}
