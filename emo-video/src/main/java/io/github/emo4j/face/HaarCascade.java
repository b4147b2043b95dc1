package io.github.emo4j.face;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A boosted cascade of Haar-like features in OpenCV's XML storage format ({@code opencv-cascade-classifier},
 * HAAR features, stumps or small trees). Immutable once read.
 */
final class HaarCascade {

    final int windowWidth;
    final int windowHeight;
    final Stage[] stages;
    final Feature[] features;

    record Rect(int x, int y, int w, int h, float weight) {
    }

    record Feature(Rect[] rects) {
    }

    /** One weak tree: {@code nodes} holds (left, right, feature, threshold) per node. */
    record Tree(int[] left, int[] right, int[] feature, float[] threshold, float[] leaves) {
    }

    record Stage(float threshold, Tree[] trees) {
    }

    private HaarCascade(int w, int h, Stage[] stages, Feature[] features) {
        this.windowWidth = w;
        this.windowHeight = h;
        this.stages = stages;
        this.features = features;
    }

    static HaarCascade read(InputStream in, String name) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            doc = b.parse(in);
        } catch (Exception e) {
            throw new IOException(name + ": not a readable cascade XML file: " + e.getMessage(), e);
        }
        try {
            Element cascade = child(doc.getDocumentElement(), "cascade");
            if (!"HAAR".equals(text(child(cascade, "featureType")))) {
                throw new IOException(name + ": only HAAR cascades are supported");
            }
            int w = Integer.parseInt(text(child(cascade, "width")));
            int h = Integer.parseInt(text(child(cascade, "height")));
            List<Stage> stages = new ArrayList<>();
            for (Element s : items(child(cascade, "stages"))) {
                float thr = Float.parseFloat(text(child(s, "stageThreshold")));
                List<Tree> trees = new ArrayList<>();
                for (Element wc : items(child(s, "weakClassifiers"))) {
                    String[] nodes = text(child(wc, "internalNodes")).trim().split("\\s+");
                    String[] leaves = text(child(wc, "leafValues")).trim().split("\\s+");
                    int n = nodes.length / 4;
                    int[] l = new int[n], r = new int[n], fi = new int[n];
                    float[] t = new float[n];
                    for (int i = 0; i < n; i++) {
                        l[i] = Integer.parseInt(nodes[4 * i]);
                        r[i] = Integer.parseInt(nodes[4 * i + 1]);
                        fi[i] = Integer.parseInt(nodes[4 * i + 2]);
                        t[i] = Float.parseFloat(nodes[4 * i + 3]);
                    }
                    float[] lv = new float[leaves.length];
                    for (int i = 0; i < lv.length; i++) {
                        lv[i] = Float.parseFloat(leaves[i]);
                    }
                    trees.add(new Tree(l, r, fi, t, lv));
                }
                stages.add(new Stage(thr, trees.toArray(new Tree[0])));
            }
            List<Feature> features = new ArrayList<>();
            for (Element fe : items(child(cascade, "features"))) {
                Element tilted = optionalChild(fe, "tilted");
                if (tilted != null && !"0".equals(text(tilted).trim())) {
                    throw new IOException(name + ": tilted Haar features are not supported");
                }
                List<Rect> rects = new ArrayList<>();
                for (Element re : items(child(fe, "rects"))) {
                    String[] p = text(re).trim().split("\\s+");
                    rects.add(new Rect(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                            Integer.parseInt(p[3]), Float.parseFloat(p[4])));
                }
                features.add(new Feature(rects.toArray(new Rect[0])));
            }
            HaarCascade c = new HaarCascade(w, h, stages.toArray(new Stage[0]), features.toArray(new Feature[0]));
            c.validate(name);
            return c;
        } catch (NumberFormatException | NullPointerException | ArrayIndexOutOfBoundsException e) {
            throw new IOException(name + ": malformed cascade: " + e, e);
        }
    }

    private void validate(String name) throws IOException {
        if (windowWidth < 4 || windowHeight < 4 || windowWidth > 256 || windowHeight > 256 || stages.length == 0) {
            throw new IOException(name + ": implausible cascade window " + windowWidth + "x" + windowHeight);
        }
        for (Stage s : stages) {
            for (Tree t : s.trees) {
                for (int f : t.feature) {
                    if (f < 0 || f >= features.length) {
                        throw new IOException(name + ": feature index " + f + " out of range");
                    }
                }
            }
        }
        for (Feature f : features) {
            for (Rect r : f.rects) {
                if (r.x < 0 || r.y < 0 || r.x + r.w > windowWidth || r.y + r.h > windowHeight) {
                    throw new IOException(name + ": feature rectangle outside the window");
                }
            }
        }
    }

    private static Element child(Element parent, String tag) {
        Element e = optionalChild(parent, tag);
        if (e == null) {
            throw new NullPointerException("missing <" + tag + ">");
        }
        return e;
    }

    private static Element optionalChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> items(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element e) {
        return e.getTextContent();
    }
}
