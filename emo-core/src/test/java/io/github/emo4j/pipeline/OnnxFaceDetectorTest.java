package io.github.emo4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.onnx.GraphBuilder;
import io.github.emo4j.onnx.GraphBuilder.Attr;
import io.github.emo4j.onnx.TensorType;
import io.github.emo4j.pack.FolderPackSource;
import io.github.emo4j.pack.Json;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.procedural.ProceduralPack;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pack's own face detector replaces the built-in one. */
class OnnxFaceDetectorTest {

    @TempDir
    Path dir;

    /** A stand-in detector: the bounding box of strongly red pixels, score 1 when there are any. */
    static byte[] redPatchDetector(int size) {
        GraphBuilder g = new GraphBuilder("face_detector");
        String img = g.input("image", TensorType.FLOAT, 1, 3, size, size);
        String red = g.op("Slice", img, g.longs(0), g.longs(1), g.longs(1));
        String green = g.op("Slice", img, g.longs(1), g.longs(2), g.longs(1));
        String mask = g.op("And", g.op("Greater", red, g.scalar(0.7f)), g.op("Less", green, g.scalar(0.3f)));
        float[] xs = new float[size * size], ys = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                xs[y * size + x] = x / (float) size;
                ys[y * size + x] = y / (float) size;
            }
        }
        String gx = g.constant(xs, 1, 1, size, size), gy = g.constant(ys, 1, 1, size, size);
        List<Attr> keep0 = List.of(Attr.of("keepdims", 0));
        String x0 = g.op("ReduceMin", keep0, g.op("Where", mask, gx, g.scalar(2f)));
        String y0 = g.op("ReduceMin", keep0, g.op("Where", mask, gy, g.scalar(2f)));
        String x1 = g.op("Add", g.op("ReduceMax", keep0, g.op("Where", mask, gx, g.scalar(-1f))), g.scalar(1f / size));
        String y1 = g.op("Add", g.op("ReduceMax", keep0, g.op("Where", mask, gy, g.scalar(-1f))), g.scalar(1f / size));
        String score = g.op("ReduceMax", keep0, g.op("Cast", List.of(Attr.of("to", (long) TensorType.FLOAT.code())), mask));
        List<String> parts = new ArrayList<>();
        for (String v : new String[] {x0, y0, x1, y1, score}) {
            parts.add(g.op("Reshape", v, g.longs(1, 1)));
        }
        g.opNamed("boxes", "Concat", List.of(Attr.of("axis", 1)), parts.toArray(new String[0]));
        g.output("boxes", TensorType.FLOAT, 1, 5);
        return g.build();
    }

    @SuppressWarnings("unchecked")
    @Test
    void aPacksDetectorFindsTheFace() throws Exception {
        Path pack = dir.resolve("pack");
        ProceduralPack.of(32, 4, 2, 1).source().writeTo(pack);
        Files.write(pack.resolve("face_detector.onnx"), redPatchDetector(64));
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(pack.resolve("manifest.json")));
        Map<String, Object> comp = new LinkedHashMap<>();
        comp.put("file", "face_detector.onnx");
        comp.put("inputs", List.of(Map.of("name", "image", "dtype", "float32", "shape", List.of(1.0, 3.0, 64.0, 64.0))));
        comp.put("outputs", List.of(Map.of("name", "boxes", "dtype", "float32", "shape", List.of(1.0, 5.0))));
        ((Map<String, Object>) m.get("components")).put("face_detector", comp);
        Files.writeString(pack.resolve("manifest.json"), Json.write(m));

        BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(40, 90, 160));
        g.fillRect(0, 0, 256, 256);
        g.setColor(Color.RED);
        g.fillRect(64, 96, 80, 80);
        g.dispose();
        try (ModelPack p = ModelPack.load(new FolderPackSource(pack), List.of(ExecutionProvider.CPU), 1)) {
            FaceBox box = new Renderer(p).locateFace(img, null);
            assertTrue(box.iou(new FaceBox(64, 96, 80, 80)) > 0.85, "found " + box);
            BufferedImage empty = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
            assertThrows(io.github.emo4j.InvalidInputException.class, () -> new Renderer(p).locateFace(empty, null));
        }
    }
}
