package io.github.emo4j.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.emo4j.EmoException;
import io.github.emo4j.face.BlazeFace;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.onnx.OrtRuntime;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The default face detector: MediaPipe's BlazeFace (both bundled models) on ONNX Runtime's CPU
 * provider, scanning the portrait as {@link BlazeFace} plans. Thread-safe; close it to release its two
 * sessions.
 */
public final class BlazeFaceDetector implements FaceDetector, AutoCloseable {
    /**
     * The score a face needs, measured (docs/video.md): human faces scored 0.90 to 0.97 (frontal, turned
     * by up to 30°, 33 to 120 pixels wide), non-faces at most 0.80 (a cat's face); this lies between.
     */
    public static final double MIN_SCORE = 0.85;

    private final Map<BlazeFace.Model, OrtSession> sessions = new EnumMap<>(BlazeFace.Model.class);
    private final BlazeFace scanner;

    /**
     * Loads both models on the CPU with one intra-op thread each: a detection is many small runs.
     *
     * @throws EmoException if ONNX Runtime cannot load them
     */
    public BlazeFaceDetector() {
        this(MIN_SCORE);
    }

    /** A detector keeping faces from {@code minScore}; for measuring scores below the threshold. */
    BlazeFaceDetector(double minScore) {
        scanner = new BlazeFace(minScore);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setSessionLogLevel(OrtRuntime.logLevel());
            for (BlazeFace.Model m : BlazeFace.Model.values()) {
                sessions.put(m, OrtRuntime.env().createSession(m.onnx(), options));
            }
        } catch (OrtException e) {
            close();
            throw new EmoException("cannot load the BlazeFace face detector: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<FaceBox> detect(BufferedImage image) {
        return detectAll(image).stream().findFirst().map(DetectedFace::box);
    }

    @Override
    public List<DetectedFace> detectAll(BufferedImage image) {
        return scanner.detect(image, this::run);
    }

    private float[][] run(BlazeFace.Model model, float[] input) {
        int s = model.size();
        try (OnnxTensor in = OnnxTensor.createTensor(OrtRuntime.env(), FloatBuffer.wrap(input), new long[] {1, s, s, 3});
             OrtSession.Result r = sessions.get(model).run(Map.of("input:0", in))) {
            float[][] out = new float[4][];
            String[] names = {"Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"};
            for (int i = 0; i < 4; i++) {
                FloatBuffer b = ((OnnxTensor) r.get(names[i]).orElseThrow()).getFloatBuffer();
                out[i] = new float[b.remaining()];
                b.get(out[i]);
            }
            return out;
        } catch (OrtException e) {
            throw new EmoException("BlazeFace face detector: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (OrtSession s : sessions.values()) {
            try {
                s.close();
            } catch (OrtException e) {
                // nothing more to release
            }
        }
        sessions.clear();
    }
}
