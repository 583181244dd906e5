package dev.tessera.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading hand-built files gives the encoded values; writing then reading gives back the same bytes. */
class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void manager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray readOne(String dtype, String shape, byte[] data) throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[0," + data.length + "]}}";
        try (SafetensorsFile file = SafetensorsFile.open(RawFiles.write(dir.resolve(dtype + ".st"), json, data))) {
            assertEquals(Map.of("format", "pt"), file.metadata());
            return file.load("x", manager);
        }
    }

    @Test
    void readsF32FromItsIeeeBits() throws IOException {
        NDArray x = readOne("F32", "[2,1]", RawFiles.littleEndian(4, 0x3FC00000L, 0xC0000000L));
        assertEquals(DataType.FLOAT32, x.getDataType());
        assertEquals(new Shape(2, 1), x.getShape());
        assertArrayEquals(new float[] {1.5f, -2f}, x.toFloatArray());
    }

    @Test
    void readsF16FromItsBits() throws IOException {
        NDArray x = readOne("F16", "[3]", RawFiles.littleEndian(2, 0x3C00, 0xC000, 0x3800));
        assertEquals(DataType.FLOAT16, x.getDataType());
        assertArrayEquals(new float[] {1f, -2f, 0.5f}, x.toType(DataType.FLOAT32, false).toFloatArray());
    }

    @Test
    void readsBF16WidenedExactlyToF32() throws IOException {
        NDArray x = readOne("BF16", "[2,2]", RawFiles.littleEndian(2, 0x3F80, 0xC000, 0x3F81, 0xBE00));
        assertEquals(DataType.FLOAT32, x.getDataType());
        assertEquals(new Shape(2, 2), x.getShape());
        assertArrayEquals(new float[] {1f, -2f, 1f + 1f / 128, -0.125f}, x.toFloatArray());
    }

    @Test
    void readsI64() throws IOException {
        NDArray x = readOne("I64", "[2]", RawFiles.littleEndian(8, -3, 1L << 40));
        assertArrayEquals(new long[] {-3, 1L << 40}, x.toLongArray());
    }

    @Test
    void readsI32Scalar() throws IOException {
        NDArray x = readOne("I32", "[]", RawFiles.littleEndian(4, -7));
        assertEquals(new Shape(), x.getShape());
        assertArrayEquals(new int[] {-7}, x.toIntArray());
    }

    @Test
    void readsU8() throws IOException {
        NDArray x = readOne("U8", "[3]", new byte[] {0, (byte) 200, (byte) 255});
        assertEquals(DataType.UINT8, x.getDataType());
        assertArrayEquals(new int[] {0, 200, 255}, x.toUint8Array());
    }

    @Test
    void readsBool() throws IOException {
        NDArray x = readOne("BOOL", "[3]", new byte[] {1, 0, 1});
        assertArrayEquals(new boolean[] {true, false, true}, x.toBooleanArray());
    }

    @Test
    void readsEmptyTensor() throws IOException {
        NDArray x = readOne("F32", "[0,3]", new byte[0]);
        assertEquals(new Shape(0, 3), x.getShape());
    }

    @Test
    void loadedTensorOwnsWritableMemoryIndependentOfTheFile() throws IOException {
        Path path = RawFiles.write(dir.resolve("own.st"), "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}}", RawFiles.littleEndian(4, 0x3F800000L, 0x40000000L));
        NDArray x;
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            x = file.load("x", manager);
        }
        Files.delete(path);
        x.addi(1f); // in place: would fault on a read-only mapping
        assertArrayEquals(new float[] {2f, 3f}, x.toFloatArray());
    }

    @Test
    void loadsATensorLyingBeyondTwoGigabytes() throws IOException {
        long far = 3_000_000_000L; // past Integer.MAX_VALUE: one mapping of the whole file could not reach it
        String json = "{\"far\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[" + far + "," + (far + 8) + "]}}";
        Path path = RawFiles.write(dir.resolve("big.st"), json, new byte[0]);
        long dataStart = Files.size(path);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(path.toFile(), "rw")) {
            file.seek(dataStart + far); // sparse: the gap takes no disk
            file.write(RawFiles.littleEndian(4, 123456789, -5));
        }
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertArrayEquals(new int[] {123456789, -5}, file.load("far", manager).toIntArray());
        }
    }

    @Test
    void namesAndInfoFollowTheHeader() throws IOException {
        String json = "{\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[4,8]}}";
        try (SafetensorsFile file = SafetensorsFile.open(RawFiles.write(dir.resolve("n.st"), json, new byte[8]))) {
            assertEquals(List.of("b", "a"), List.copyOf(file.names()));
            assertTrue(file.contains("a") && !file.contains("c"));
            assertEquals(new TensorInfo("a", SafetensorsDType.I32, new long[] {1, 1}, 4, 4), file.info("a"));
            assertEquals(Map.of(), file.metadata());
        }
    }

    private NDArray sample(SafetensorsDType dtype) {
        NDArray normal = manager.randomNormal(new Shape(3, 5, 2)).mul(100);
        return switch (dtype) {
            case F32, F16 -> normal.toType(dtype.toDjl(), false);
            case BF16 -> throw new IllegalArgumentException("DJL has no bfloat16 tensors to write");
            case I64, I32 -> normal.toType(DataType.INT32, false).toType(dtype.toDjl(), false);
            case U8 -> normal.abs().toType(DataType.INT32, false).toType(DataType.UINT8, false);
            case BOOL -> normal.gt(0);
        };
    }

    @ParameterizedTest
    @EnumSource(value = SafetensorsDType.class, mode = EnumSource.Mode.EXCLUDE, names = "BF16")
    void roundTripsEveryWritableDtypeBitForBit(SafetensorsDType dtype) {
        NDArray original = sample(dtype);
        assertEquals(dtype.toDjl(), original.getDataType());
        Path path = dir.resolve(dtype + ".safetensors");
        SafetensorsWriter.write(path, Map.of("t", original), Map.of("dtype", dtype.name()));
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(Map.of("dtype", dtype.name()), file.metadata());
            NDArray loaded = file.load("t", manager);
            assertEquals(original.getShape(), loaded.getShape());
            assertEquals(dtype.toDjl(), loaded.getDataType());
            assertEquals(original.toByteBuffer(), loaded.toByteBuffer());
        }
    }

    @Test
    void writerLayoutMatchesTheFormat() throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("first", manager.create(new float[] {1.5f, -2f}));
        tensors.put("second", manager.create(new long[] {7}, new Shape()));
        Path path = dir.resolve("layout.safetensors");
        SafetensorsWriter.write(path, tensors, Map.of());
        byte[] bytes = Files.readAllBytes(path);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data section 8-byte aligned");
        JsonObject header = JsonParser.parseString(
                new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(JsonParser.parseString("{\"first\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"second\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}"), header);
        byte[] expectedData = new byte[16];
        System.arraycopy(RawFiles.littleEndian(4, 0x3FC00000L, 0xC0000000L), 0, expectedData, 0, 8);
        System.arraycopy(RawFiles.littleEndian(8, 7), 0, expectedData, 8, 8);
        byte[] data = new byte[bytes.length - 8 - (int) headerLength];
        System.arraycopy(bytes, 8 + (int) headerLength, data, 0, data.length);
        assertArrayEquals(expectedData, data);
    }

    @Test
    void writesNonContiguousTensorsInLogicalOrder() {
        NDArray transposed = manager.arange(6f).reshape(2, 3).transpose();
        Path path = dir.resolve("t.safetensors");
        SafetensorsWriter.write(path, Map.of("t", transposed), Map.of());
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, file.load("t", manager).toFloatArray());
        }
    }

    @Test
    void writerRejectsUnsupportedTypeAndLeavesNoFile() {
        Path path = dir.resolve("f64.safetensors");
        NDArray doubles = manager.create(new double[] {1});
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> SafetensorsWriter.write(path, Map.of("d", doubles), Map.of()));
        assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("float64"), e::getMessage);
        assertTrue(Files.notExists(path));
    }
}
