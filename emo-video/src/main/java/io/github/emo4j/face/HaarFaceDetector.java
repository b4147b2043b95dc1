package io.github.emo4j.face;

import io.github.emo4j.video.image.Portraits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pure-Java Viola-Jones frontal-face detector. It evaluates a boosted Haar cascade in OpenCV's XML
 * format over an image pyramid with integral images and per-window variance normalisation, then
 * merges overlapping hits and keeps groups with enough neighbours.
 *
 * <p>The default cascade is OpenCV's {@code haarcascade_frontalface_default.xml} (Intel License
 * Agreement, BSD-style; its licence text travels inside the bundled file). Thread-safe.
 */
public final class HaarFaceDetector implements FaceDetector {

    private static final String DEFAULT_CASCADE = "haarcascade_frontalface_default.xml";
    /** Portraits are searched at this size at most; faces in a portrait are large. */
    private static final int WORK_SIZE = 480;
    private static final double SCALE_STEP = 1.1;
    private static final int MIN_NEIGHBOURS = 3;
    private static final double GROUP_EPS = 0.2;

    private static volatile HaarFaceDetector defaultInstance;

    private final HaarCascade cascade;

    private HaarFaceDetector(HaarCascade cascade) {
        this.cascade = cascade;
    }

    /**
     * The detector over the bundled OpenCV frontal-face cascade, loaded once.
     *
     * @return the shared detector
     */
    public static HaarFaceDetector frontalFace() {
        HaarFaceDetector d = defaultInstance;
        if (d == null) {
            synchronized (HaarFaceDetector.class) {
                d = defaultInstance;
                if (d == null) {
                    try (InputStream in = HaarFaceDetector.class.getResourceAsStream(DEFAULT_CASCADE)) {
                        if (in == null) {
                            throw new IOException("bundled cascade " + DEFAULT_CASCADE + " is missing from the jar");
                        }
                        d = new HaarFaceDetector(HaarCascade.read(in, DEFAULT_CASCADE));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    defaultInstance = d;
                }
            }
        }
        return d;
    }

    /**
     * A detector over a cascade file of the caller's, in OpenCV's XML format.
     *
     * @param xml  the cascade
     * @param name its name, for messages
     * @return the detector
     * @throws IOException if the cascade cannot be read or parsed
     */
    public static HaarFaceDetector fromCascade(InputStream xml, String name) throws IOException {
        return new HaarFaceDetector(HaarCascade.read(xml, name));
    }

    @Override
    public Optional<FaceBox> detect(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        double shrink = Math.max(1.0, Math.max(w, h) / (double) WORK_SIZE);
        int gw = Math.max(1, (int) Math.round(w / shrink)), gh = Math.max(1, (int) Math.round(h / shrink));
        float[] gray = Gray.of(image, gw, gh);
        List<double[]> hits = new ArrayList<>();
        int ww = cascade.windowWidth, wh = cascade.windowHeight;
        for (double factor = 1; ; factor *= SCALE_STEP) {
            int sw = (int) Math.round(gw / factor), sh = (int) Math.round(gh / factor);
            if (sw < ww + 2 || sh < wh + 2) {
                break;
            }
            float[] scaled = Gray.resize(gray, gw, gh, sw, sh);
            Integral ii = new Integral(scaled, sw, sh);
            int step = factor > 2 ? 1 : 2;
            for (int y = 0; y + wh < sh; y += step) {
                for (int x = 0; x + ww < sw; x += step) {
                    if (passes(ii, x, y)) {
                        hits.add(new double[] {x * factor, y * factor, ww * factor, wh * factor});
                    }
                }
            }
        }
        List<double[]> faces = group(hits);
        double[] best = null;
        for (double[] f : faces) {
            // The best-supported group wins: false positives on clothing rarely gather many neighbours.
            if (best == null || f[4] > best[4] || f[4] == best[4] && f[2] * f[3] > best[2] * best[3]) {
                best = f;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int bx = (int) Math.round(best[0] * shrink), by = (int) Math.round(best[1] * shrink);
        int bw = (int) Math.round(best[2] * shrink), bh = (int) Math.round(best[3] * shrink);
        bx = Math.max(0, Math.min(bx, w - 1));
        by = Math.max(0, Math.min(by, h - 1));
        return Optional.of(new FaceBox(bx, by, Math.max(1, Math.min(bw, w - bx)), Math.max(1, Math.min(bh, h - by))));
    }

    private boolean passes(Integral ii, int x, int y) {
        // Variance normalisation over the window inset by one pixel, as the cascades were trained.
        int nx = x + 1, ny = y + 1, nw = cascade.windowWidth - 2, nh = cascade.windowHeight - 2;
        double area = (double) nw * nh;
        double sum = ii.sum(nx, ny, nw, nh);
        double sq = ii.sqSum(nx, ny, nw, nh);
        double nf = area * sq - sum * sum;
        double norm = nf > 0 ? 1.0 / Math.sqrt(nf) : 1.0;
        for (HaarCascade.Stage stage : cascade.stages) {
            double total = 0;
            for (HaarCascade.Tree t : stage.trees()) {
                int node = 0;
                while (true) {
                    double v = featureValue(ii, cascade.features[t.feature()[node]], x, y) * norm;
                    int next = v < t.threshold()[node] ? t.left()[node] : t.right()[node];
                    if (next > 0) {
                        node = next;
                    } else {
                        total += t.leaves()[-next];
                        break;
                    }
                }
            }
            if (total < stage.threshold()) {
                return false;
            }
        }
        return true;
    }

    private static double featureValue(Integral ii, HaarCascade.Feature f, int x, int y) {
        double v = 0;
        for (HaarCascade.Rect r : f.rects()) {
            v += r.weight() * ii.sum(x + r.x(), y + r.y(), r.w(), r.h());
        }
        return v;
    }

    /** Merges overlapping detections into {x, y, w, h, members}; groups with fewer than {@link #MIN_NEIGHBOURS}+1 members are dropped. */
    private static List<double[]> group(List<double[]> rects) {
        int n = rects.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (similar(rects.get(i), rects.get(j))) {
                    int a = root(parent, i), b = root(parent, j);
                    if (a != b) {
                        parent[a] = b;
                    }
                }
            }
        }
        double[][] acc = new double[n][5];
        for (int i = 0; i < n; i++) {
            double[] a = acc[root(parent, i)];
            double[] r = rects.get(i);
            for (int k = 0; k < 4; k++) {
                a[k] += r[k];
            }
            a[4]++;
        }
        List<double[]> out = new ArrayList<>();
        for (double[] a : acc) {
            if (a[4] > MIN_NEIGHBOURS) {
                out.add(new double[] {a[0] / a[4], a[1] / a[4], a[2] / a[4], a[3] / a[4], a[4]});
            }
        }
        return out;
    }

    private static boolean similar(double[] a, double[] b) {
        double delta = GROUP_EPS * (Math.min(a[2], b[2]) + Math.min(a[3], b[3])) * 0.5;
        return Math.abs(a[0] - b[0]) <= delta && Math.abs(a[1] - b[1]) <= delta
                && Math.abs(a[0] + a[2] - b[0] - b[2]) <= delta && Math.abs(a[1] + a[3] - b[1] - b[3]) <= delta;
    }

    private static int root(int[] p, int i) {
        while (p[i] != i) {
            p[i] = p[p[i]];
            i = p[i];
        }
        return i;
    }

    /** Summed-area tables of values and squares, one row and column of zeros in front. */
    private static final class Integral {
        final int stride;
        final double[] s;
        final double[] q;

        Integral(float[] img, int w, int h) {
            stride = w + 1;
            s = new double[(w + 1) * (h + 1)];
            q = new double[(w + 1) * (h + 1)];
            for (int y = 0; y < h; y++) {
                double rs = 0, rq = 0;
                for (int x = 0; x < w; x++) {
                    double v = img[y * w + x];
                    rs += v;
                    rq += v * v;
                    s[(y + 1) * stride + x + 1] = s[y * stride + x + 1] + rs;
                    q[(y + 1) * stride + x + 1] = q[y * stride + x + 1] + rq;
                }
            }
        }

        double sum(int x, int y, int w, int h) {
            return s[(y + h) * stride + x + w] - s[y * stride + x + w] - s[(y + h) * stride + x] + s[y * stride + x];
        }

        double sqSum(int x, int y, int w, int h) {
            return q[(y + h) * stride + x + w] - q[y * stride + x + w] - q[(y + h) * stride + x] + q[y * stride + x];
        }
    }
}
