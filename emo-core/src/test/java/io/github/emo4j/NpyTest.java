package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NumPy's .npy: what emo4j writes reads back, NumPy's other float widths read, and broken files are named. */
class NpyTest {

    @TempDir
    Path dir;

    @Test
    void float32RoundTripsAndTheHeaderIsAlignedAsNumpyWritesIt() throws Exception {
        Path f = dir.resolve("a.npy");
        float[] v = {1.5f, -2f, Float.MIN_VALUE, 3e30f, 0f, 7f};
        Npy.write(f, new long[] {2, 3}, v);
        byte[] bytes = Files.readAllBytes(f);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + headerLength) % 64, "data starts on a 64-byte boundary");
        assertEquals('\n', bytes[10 + headerLength - 1]);
        Npy.Array a = Npy.read(f);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(v, a.values());
        Npy.write(f, new long[] {4}, new float[4]);
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("'shape': (2, 3)"));
        assertArrayEquals(new long[] {4}, Npy.read(f).shape());
    }

    @Test
    void readsFloat16AndFloat64() throws Exception {
        Path h = write("h.npy", "<f2", "(3,)", ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001).array());
        assertArrayEquals(new float[] {1f, -2f, 0x1.0p-24f}, Npy.read(h).values());
        Path d = write("d.npy", "<f8", "(2, 1)", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(0.25).putDouble(-8).array());
        Npy.Array a = Npy.read(d);
        assertArrayEquals(new long[] {2, 1}, a.shape());
        assertArrayEquals(new float[] {0.25f, -8f}, a.values());
    }

    @Test
    void brokenFilesAreRefusedByName() throws Exception {
        Path notNpy = Files.writeString(dir.resolve("text.npy"), "hello, this is not numpy");
        assertTrue(assertThrows(InvalidInputException.class, () -> Npy.read(notNpy)).getMessage().contains("text.npy: not a .npy"));
        Path shortData = write("short.npy", "<f4", "(4,)", new byte[12]);
        assertTrue(assertThrows(InvalidInputException.class, () -> Npy.read(shortData)).getMessage().contains("needs 16 bytes"));
        Path ints = write("ints.npy", "<i8", "(1,)", new byte[8]);
        assertTrue(assertThrows(InvalidInputException.class, () -> Npy.read(ints)).getMessage().contains("not little-endian float"));
        Path huge = write("huge.npy", "<f4", "(100000, 100000, 100000)", new byte[0]);
        assertTrue(assertThrows(InvalidInputException.class, () -> Npy.read(huge)).getMessage().contains("larger than"));
        long tooMany = Runtime.getRuntime().maxMemory() / 4 / Float.BYTES + 1;
        Path heavy = write("heavy.npy", "<f4", "(" + tooMany + ",)", new byte[0]);
        String why = assertThrows(InvalidInputException.class, () -> Npy.read(heavy)).getMessage();
        assertTrue(why.contains("more than this process") || why.contains("larger than"), why);
        Path fortran = Files.write(dir.resolve("f.npy"), header("<f4", "(1,)", true, new byte[4]));
        assertTrue(assertThrows(InvalidInputException.class, () -> Npy.read(fortran)).getMessage().contains("Fortran"));
        Path truncated = dir.resolve("cut.npy");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(shortData), 9));
        assertThrows(InvalidInputException.class, () -> Npy.read(truncated));
        Path missing = dir.resolve("missing.npy");
        assertTrue(assertThrows(InvalidInputException.class, () -> Npy.read(missing)).getMessage().contains("missing.npy"));
    }

    private Path write(String name, String descr, String shape, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), header(descr, shape, false, data));
    }

    private static byte[] header(String descr, String shape, boolean fortran, byte[] data) {
        String h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }
}
