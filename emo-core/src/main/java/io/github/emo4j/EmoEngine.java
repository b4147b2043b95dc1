package io.github.emo4j;

import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.video.FrameSink;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BooleanSupplier;

/**
 * The service behind {@link EmoPipeline}: it loads packs and renders with them. emo4j's own engine
 * provides it, found through {@link ServiceLoader}, so that this package depends on none of the packages
 * that implement it. Applications use {@link EmoPipeline}; this interface is the module's wiring, not
 * part of the API, and may change in any release.
 */
public interface EmoEngine {

    /**
     * The engine on the class or module path.
     *
     * @return emo4j's engine
     * @throws IllegalStateException if none is there (emo-core's jar is incomplete)
     */
    static EmoEngine get() {
        return EngineLookup.ENGINE;
    }

    /**
     * The execution providers this machine's ONNX Runtime offers.
     *
     * @return the providers, the CPU among them
     */
    List<ExecutionProvider> availableProviders();

    /**
     * Loads and checks a pack.
     *
     * @param config which pack, on what, with which face detector
     * @return the loaded pack, ready to render
     */
    Loaded load(Config config);

    /**
     * The sampling schedule of a diffusers scheduler configuration.
     *
     * @param configJson the configuration's JSON text
     * @param source     the configuration's name in messages
     * @param steps      sampling steps
     * @param mu         a flow scheduler's dynamic shift, or {@code null}
     * @return the timesteps, sigmas and initial noise scale
     */
    SamplingSchedule schedule(String configJson, String source, int steps, Double mu);

    /**
     * What to load.
     *
     * @param pack         the pack's folder, or {@code null} for the built-in procedural pack
     * @param providers    execution providers in order of preference, never empty
     * @param threads      intra-op threads per network, 0 for ONNX Runtime's default
     * @param optimization graph optimisation level
     * @param modelCache   where optimised graphs are kept between runs, or {@code null}
     * @param lowMemory    whether start-only networks give their memory back between renders
     * @param detector     the face detector renders use, or {@code null} for the pack's own or BlazeFace
     * @param loading      hears each of the pack's networks load
     */
    record Config(Path pack, List<ExecutionProvider> providers, int threads, GraphOptimization optimization,
                  Path modelCache, boolean lowMemory, FaceDetector detector, PackLoadListener loading) {
        /**
         * Copies the providers.
         *
         * @param pack         the pack's folder, or {@code null}
         * @param providers    execution providers in order of preference
         * @param threads      intra-op threads
         * @param optimization graph optimisation level
         * @param modelCache   optimised-graph cache folder, or {@code null}
         * @param lowMemory    whether start-only networks are released between renders
         * @param detector     the face detector, or {@code null}
         * @param loading      hears each network load, or {@code null} for none
         */
        public Config {
            providers = List.copyOf(providers);
            loading = loading == null ? PackLoadListener.NONE : loading;
        }
    }

    /**
     * What a render produced.
     *
     * @param frames frames in the video
     * @param fps    frames per second
     * @param width  frame width
     * @param height frame height
     * @param stats  where the time went
     */
    record Rendered(long frames, int fps, int width, int height, RenderStats stats) {
    }

    /** A render fed voice in pieces; driven by one thread. */
    interface Session extends AutoCloseable {
        /**
         * Adds voice and makes every clip it now covers.
         *
         * @param samples mono samples
         * @param rate    their sample rate, the same for every piece
         * @param last    whether the voice ends with them
         */
        void feed(float[] samples, int rate, boolean last);

        /**
         * Ends the voice, makes the last clips and commits the sink.
         *
         * @return what was rendered
         */
        Rendered finish();

        /**
         * Hands the sink every frame of the clips made so far and ends the session there: voice fed but
         * not yet in a clip is dropped, and the sink is not committed. Close the session afterwards.
         */
        void flush();

        /**
         * Sets the sampling steps of the clips to come.
         *
         * @param steps 1 or more
         */
        void steps(int steps);

        /**
         * The sampling steps of the clips to come.
         *
         * @return steps per clip
         */
        int steps();

        /**
         * The denoiser's clip length and the frames of audio lookahead each frame needs.
         *
         * @return {@code [clip frames, audio window m]}
         */
        int[] clipLayout();

        /** Stops; without {@link #finish}, the sink's output is discarded. */
        @Override
        void close();
    }

    /** A loaded pack. Thread-safe: renders may run at once on several threads. */
    interface Loaded extends AutoCloseable {
        /**
         * What the pack is and makes by default.
         *
         * @return the pack's summary
         */
        PackInfo packInfo();

        /**
         * Everything the pack declares.
         *
         * @return the pack's description
         */
        PackDescription describe();

        /**
         * The provider the pack runs on.
         *
         * @return the chosen provider
         */
        ExecutionProvider provider();

        /**
         * Renders into an MP4 at {@code out}, which appears only on success.
         *
         * @param request the request
         * @param out     the absolute output path, checked to be writable
         * @param closing whether the owner is closing, which cancels the render at its next step
         * @return what was rendered
         */
        Rendered render(RenderRequest request, Path out, BooleanSupplier closing);

        /**
         * Renders into the sink {@code frames} opens.
         *
         * @param request the request
         * @param frames  the sink's factory
         * @param closing whether the owner is closing
         * @return what was rendered
         */
        Rendered render(RenderRequest request, FrameSink.Factory frames, BooleanSupplier closing);

        /**
         * Opens a render session fed voice in pieces, for a live request.
         *
         * @param request the live request (no voice)
         * @param frames  the sink's factory
         * @param closing whether the owner is closing, which cancels the session at its next step
         * @return the session; its portrait is framed and encoded already
         */
        Session open(RenderRequest request, FrameSink.Factory frames, BooleanSupplier closing);

        /**
         * The face box a render would use.
         *
         * @param portrait the portrait
         * @param given    a box to check, or {@code null} to detect
         * @return the box
         */
        FaceBox locateFace(BufferedImage portrait, FaceBox given);

        /**
         * Every face in the portrait.
         *
         * @param portrait the portrait
         * @return the faces, the one a render uses first
         */
        List<DetectedFace> faces(BufferedImage portrait);

        /** Releases the networks. */
        @Override
        void close();
    }
}
