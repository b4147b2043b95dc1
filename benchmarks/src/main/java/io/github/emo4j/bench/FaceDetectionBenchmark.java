package io.github.emo4j.bench;

import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.pipeline.BlazeFaceDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BlazeFace on a 2-megapixel (1600×1200) and a 12-megapixel (4000×3000) photo, one face pasted in at
 * a twentieth of the width, ONNX Runtime on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-XX:ActiveProcessorCount=1"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class FaceDetectionBenchmark {

    @Param({"1600x1200", "4000x3000"})
    public String size;

    private BlazeFaceDetector detector;
    private BufferedImage photo;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String[] wh = size.split("x");
        int w = Integer.parseInt(wh[0]), h = Integer.parseInt(wh[1]);
        BufferedImage portrait = ImageIO.read(Path.of(System.getProperty("emo.samples", "samples"), "portrait-astronaut.png").toFile());
        photo = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(new Color(90, 110, 80));
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        double s = w / 20.0 / 100;
        g.drawImage(portrait, new AffineTransform(s, 0, 0, s, w * 0.6, h * 0.5), null);
        g.dispose();
        detector = new BlazeFaceDetector();
        if (detector.detectAll(photo).isEmpty()) {
            throw new IllegalStateException("the benchmark's face was not found");
        }
    }

    @Benchmark
    public List<DetectedFace> detect() {
        return detector.detectAll(photo);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        detector.close();
    }
}
