package io.github.emo4j.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds an ONNX model (a {@code ModelProto}) in memory, node by node, and serialises it. Only the parts
 * of the ONNX schema that emo4j generates are covered: one graph, dense initialisers, tensor-typed
 * inputs and outputs with fixed or symbolic dimensions, and int, float, string, ints and floats
 * attributes. The result is a standard model that any ONNX runtime loads.
 *
 * <p>Field numbers follow {@code onnx/onnx.proto} (IR version 8).
 */
public final class GraphBuilder {

    /** Default operator set: 17 has GridSample, LayerNormalization and attribute-form reduce axes. */
    public static final int OPSET = 17;
    private static final long IR_VERSION = 8;

    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    /** A constant: its name, type, dimensions and little-endian values. */
    private record Initializer(String name, TensorType type, long[] dims, byte[] raw) {
    }

    /**
     * A model whose large constants are stored beside it, as ONNX's external data: the model refers to
     * {@code location}, a file in its folder, by offset and length.
     *
     * @param model the serialised {@code ModelProto}
     * @param data  the contents of {@code location}
     */
    public record WithExternalData(byte[] model, byte[] data) {
    }

    public GraphBuilder(String name) {
        this.name = name;
    }

    /**
     * Declares a graph input. Each dimension is a {@link Long}/{@link Integer} for a fixed size or a
     * {@link String} for a symbolic one.
     */
    public String input(String name, TensorType type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
        return name;
    }

    /** Declares a graph output; the value must be produced by a node under this name. */
    public void output(String name, TensorType type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
    }

    /** A float constant of the given shape. */
    public String constant(float[] values, long... dims) {
        String n = fresh("const");
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        initializers.add(new Initializer(n, TensorType.FLOAT, dims, b.array()));
        return n;
    }

    /** A float constant of normal random values scaled by {@code std}, from {@code rnd}. */
    public String random(Random rnd, double std, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
        return constant(v, dims);
    }

    /** A scalar float constant (shape {@code []}). */
    public String scalar(float value) {
        return constant(new float[] {value});
    }

    /** An int64 constant of the given shape. */
    public String constantLong(long[] values, long... dims) {
        String n = fresh("const");
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        initializers.add(new Initializer(n, TensorType.INT64, dims, b.array()));
        return n;
    }

    /** A 1-D int64 constant. */
    public String longs(long... values) {
        return constantLong(values, values.length);
    }

    /** Adds a node with one output and returns the output's name. */
    public String op(String opType, List<Attr> attrs, String... in) {
        String out = fresh(opType.toLowerCase());
        node(opType, attrs, in, new String[] {out});
        return out;
    }

    /** Adds a node without attributes and returns its output's name. */
    public String op(String opType, String... in) {
        return op(opType, List.of(), in);
    }

    /** Adds a node whose single output gets a chosen name (for graph outputs). */
    public String opNamed(String outName, String opType, List<Attr> attrs, String... in) {
        node(opType, attrs, in, new String[] {outName});
        return outName;
    }

    private void node(String opType, List<Attr> attrs, String[] in, String[] out) {
        ProtoWriter n = new ProtoWriter();
        for (String i : in) {
            n.string(1, i);
        }
        for (String o : out) {
            n.string(2, o);
        }
        n.string(3, fresh("n_" + opType));
        n.string(4, opType);
        for (Attr a : attrs) {
            n.message(5, a.encode());
        }
        nodes.add(n);
    }

    /** The serialised {@code ModelProto}. */
    public byte[] build() {
        return build(null, Long.MAX_VALUE, null);
    }

    /**
     * The serialised {@code ModelProto} with every constant of at least {@code minBytes} stored in
     * {@code location} instead, as an exporter of a multi-gigabyte model writes it (protobuf holds at most
     * 2 GB); each starts at a multiple of 64 bytes, as ONNX's own writer aligns them.
     *
     * @param location the data file's name, beside the model
     * @param minBytes the smallest constant stored outside
     * @return the model and the data file's contents
     */
    public WithExternalData buildWithExternalData(String location, long minBytes) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] model = build(location, minBytes, data);
        return new WithExternalData(model, data.toByteArray());
    }

    private byte[] build(String location, long minBytes, ByteArrayOutputStream data) {
        ProtoWriter g = new ProtoWriter();
        for (ProtoWriter n : nodes) {
            g.message(1, n);
        }
        g.string(2, name);
        for (Initializer t : initializers) {
            if (t.raw().length >= minBytes) {
                while (data.size() % 64 != 0) {
                    data.write(0);
                }
                long offset = data.size();
                data.writeBytes(t.raw());
                g.message(5, external(t, location, offset));
            } else {
                g.message(5, tensor(t.name(), t.type(), t.dims(), t.raw()));
            }
        }
        for (ProtoWriter i : inputs) {
            g.message(11, i);
        }
        for (ProtoWriter o : outputs) {
            g.message(12, o);
        }
        ProtoWriter opset = new ProtoWriter().string(1, "").varint(2, OPSET);
        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "emo4j")
                .string(3, "0.1")
                .message(7, g)
                .message(8, opset)
                .toByteArray();
    }

    private String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    private static ProtoWriter tensor(String name, TensorType type, long[] dims, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        if (dims.length > 0) {
            t.packedVarints(1, dims);
        }
        t.varint(2, type.code);
        t.string(8, name);
        t.bytes(9, raw);
        return t;
    }

    /** A TensorProto whose values are in {@code location} at {@code offset} (data_location EXTERNAL). */
    private static ProtoWriter external(Initializer t, String location, long offset) {
        ProtoWriter p = new ProtoWriter();
        if (t.dims().length > 0) {
            p.packedVarints(1, t.dims());
        }
        p.varint(2, t.type().code);
        p.string(8, t.name());
        p.message(13, new ProtoWriter().string(1, "location").string(2, location));
        p.message(13, new ProtoWriter().string(1, "offset").string(2, Long.toString(offset)));
        p.message(13, new ProtoWriter().string(1, "length").string(2, Long.toString(t.raw().length)));
        p.varint(14, 1);
        return p;
    }

    private static ProtoWriter valueInfo(String name, TensorType type, Object[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof String s) {
                dim.string(2, s);
            } else if (d instanceof Number num) {
                dim.varint(1, num.longValue());
            } else {
                throw new IllegalArgumentException("dimension must be a number or a name: " + d);
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, type.code).message(2, shape);
        ProtoWriter typeProto = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, name).message(2, typeProto);
    }

    /** A node attribute. */
    public record Attr(String name, Object value) {

        public static Attr of(String name, long value) {
            return new Attr(name, value);
        }

        public static Attr of(String name, float value) {
            return new Attr(name, value);
        }

        public static Attr of(String name, String value) {
            return new Attr(name, value);
        }

        public static Attr ints(String name, long... values) {
            return new Attr(name, values);
        }

        ProtoWriter encode() {
            ProtoWriter a = new ProtoWriter().string(1, name);
            if (value instanceof Long l) {
                a.varint(3, l).varint(20, 2);
            } else if (value instanceof Float f) {
                a.fixed32(2, f).varint(20, 1);
            } else if (value instanceof String s) {
                a.string(4, s).varint(20, 3);
            } else if (value instanceof long[] ls) {
                for (long l : ls) {
                    a.varint(8, l);
                }
                a.varint(20, 7);
            } else {
                throw new IllegalArgumentException("unsupported attribute value " + value);
            }
            return a;
        }
    }
}
