package io.github.emo4j.onnx;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {

    @Test
    void aBuiltGraphRunsInOnnxRuntime() throws Exception {
        GraphBuilder g = new GraphBuilder("t");
        String x = g.input("x", TensorType.FLOAT, "n", 3);
        String y = g.op("Mul", x, g.constant(new float[] {1, 2, 3}, 3));
        g.opNamed("y", "ReduceSum", List.of(GraphBuilder.Attr.of("keepdims", 0)), y, g.longs(1));
        g.output("y", TensorType.FLOAT, "n");
        try (OrtSession s = OrtRuntime.env().createSession(g.build(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(OrtRuntime.env(), new float[][] {{1, 1, 1}, {0, 1, -1}});
             OrtSession.Result r = s.run(Map.of("x", in))) {
            float[] out = (float[]) r.get(0).getValue();
            assertArrayEquals(new float[] {6, -1}, out);
            assertEquals("n", ((ai.onnxruntime.TensorInfo) s.getInputInfo().get("x").getInfo()).getDimensionNames()[0]);
        }
    }
}
