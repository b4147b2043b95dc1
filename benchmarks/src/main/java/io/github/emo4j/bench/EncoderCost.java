package io.github.emo4j.bench;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.testkit.SyntheticFlowPack;
import io.github.emo4j.video.FrameSink;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The CPU an MP4 file's video costs a frame: {@code Mp4Writer} on one encoding thread, fed rendered frames
 * (RGB to YUV, H.264, muxing; no voice), timed per frame, with the file's MD5, for one or more builds of
 * {@code emo-video} in one JVM.
 * Each build is loaded by a class loader of its own, and the builds take turns pass by pass, so they are
 * compared on the same machine state, as a ratio: on a noisy machine, separate processes differ by more than
 * the change measured. Not JMH: one number a pass is what is compared.
 *
 * <p>Frames: {@code flow}, 6 s of the synthetic flow pack at 4 steps on a 640×640 portrait (96 frames whose
 * 512×512 face is the random pack's coloured noise, new every frame: every macroblock of it changes), or
 * {@code demo}, the built-in pack's render of {@code samples/} (12.2 s, 305 frames of 512×512, a talking
 * mouth on a still portrait).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.emo4j.bench.EncoderCost flow|demo
 * passes [emo-video.jar ...]}; with no jar, this build's own.
 */
public final class EncoderCost {
    private EncoderCost() {
    }

    public static void main(String[] args) throws Exception {
        String content = args.length > 0 ? args[0] : "flow";
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> jars = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of();
        List<int[]> frames = new ArrayList<>();
        int[] size = new int[3];
        render(content, frames, size);
        int w = size[0], h = size[1], fps = size[2], n = frames.size();
        List<Build> builds = new ArrayList<>();
        if (jars.isEmpty()) {
            builds.add(new Build("this build", EncoderCost.class.getClassLoader()));
        }
        for (String jar : jars) {
            builds.add(new Build(jar, new VideoFirst(Path.of(jar).toUri().toURL(), EncoderCost.class.getClassLoader())));
        }
        Path dir = Files.createTempDirectory("emo-encoder-cost");
        double[][] took = new double[builds.size()][passes];
        long[] bytes = new long[builds.size()];
        String[] digests = new String[builds.size()];
        for (int pass = 0; pass < passes; pass++) {
            for (int k = 0; k < builds.size(); k++) {
                // the order alternates, so that neither build always runs after the other
                int b = pass % 2 == 0 ? k : builds.size() - 1 - k;
                Path out = dir.resolve("e" + b + ".mp4");
                long t0 = System.nanoTime();
                builds.get(b).encode(out, frames, w, h, fps);
                took[b][pass] = (System.nanoTime() - t0) / 1e6 / n;
                bytes[b] = Files.size(out);
                digests[b] = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(out)));
                Files.delete(out);
            }
        }
        Files.delete(dir);
        System.out.printf(Locale.ROOT, "%s: %d frames of %dx%d, %d passes; per frame, median of passes %d to %d:%n",
                content, n, w, h, passes, passes / 2 + 1, passes);
        double first = 0;
        for (int b = 0; b < builds.size(); b++) {
            double[] last = Arrays.copyOfRange(took[b], passes / 2, passes);
            Arrays.sort(last);
            double median = last[last.length / 2];
            if (b == 0) {
                first = median;
            }
            System.out.printf(Locale.ROOT, "  %-50s %.3f ms (%.3f of the first), %d bytes, MD5 %s%n", builds.get(b).name,
                    median, median / first, bytes[b], digests[b]);
        }
    }

    /** Renders the frames the encoder is fed; {@code size} gets their width, height and frame rate. */
    private static void render(String content, List<int[]> frames, int[] size) throws IOException {
        FrameSink.Factory keep = RenderedFrames.into(frames, size);
        if (content.equals("demo")) {
            BufferedImage portrait = EmoPipeline.readPortrait(Path.of("samples/portrait-astronaut.png"));
            AudioClip voice = EmoPipeline.readAudio(Path.of("samples/speech-sample.wav"));
            try (EmoPipeline p = EmoPipeline.builder().build()) {
                p.render(RenderRequest.builder(portrait, voice).build(), keep);
            }
            return;
        }
        if (!content.equals("flow")) {
            throw new IllegalArgumentException("content: flow or demo, not " + content);
        }
        Path packDir = Files.createTempDirectory("emo-encoder-cost-pack");
        new SyntheticFlowPack(512, 48, 73, 768, 32, 1).source().writeTo(packDir);
        float[] s = new float[16000 * 6];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        try (EmoPipeline p = EmoPipeline.builder().pack(packDir).build()) {
            BufferedImage img = new BufferedImage(640, 640, BufferedImage.TYPE_INT_RGB);
            p.render(RenderRequest.builder(img, new AudioClip(s, 16000)).face(new FaceBox(192, 160, 256, 256)).steps(4).build(), keep);
        } finally {
            try (var files = Files.list(packDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(packDir);
        }
    }

    /** One build's {@code Mp4Writer}, reached by reflection through its own class loader. */
    private static final class Build {
        final String name;
        private final Constructor<?> writer;
        private final Object options;
        private final Method accept;
        private final Method finish;
        private final Method close;

        Build(String name, ClassLoader loader) throws ReflectiveOperationException {
            this.name = name;
            Class<?> w = Class.forName("io.github.emo4j.video.Mp4Writer", true, loader);
            Class<?> o = Class.forName("io.github.emo4j.video.EncodingOptions", true, loader);
            this.options = o.getMethod("withThreads", int.class).invoke(o.getField("DEFAULT").get(null), 1);
            this.writer = w.getConstructor(Path.class, int.class, int.class, int.class, int.class, float[].class, int.class, o);
            this.accept = w.getMethod("accept", int[].class);
            this.finish = w.getMethod("finish");
            this.close = w.getMethod("close");
        }

        void encode(Path out, List<int[]> frames, int w, int h, int fps) throws ReflectiveOperationException {
            Object mp4 = writer.newInstance(out, w, h, fps, 1, null, 16000, options);
            try {
                for (int[] f : frames) {
                    accept.invoke(mp4, (Object) f);
                }
                finish.invoke(mp4);
            } finally {
                close.invoke(mp4);
            }
        }
    }

    /** Loads {@code io.github.emo4j.video} from its jar before its parent, everything else from the parent. */
    private static final class VideoFirst extends URLClassLoader {
        VideoFirst(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.github.emo4j.video.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
