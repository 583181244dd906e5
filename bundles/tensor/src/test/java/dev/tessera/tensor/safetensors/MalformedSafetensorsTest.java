package dev.tessera.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of broken file fails at open with a message naming the file, the tensor and the problem. */
class MalformedSafetensorsTest {

    @TempDir
    Path dir;

    private SafetensorsException openFails(Path file, String... phrases) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), () -> "no file name in: " + e.getMessage());
        assertEquals(file, e.file());
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), () -> "'" + phrase + "' missing from: " + e.getMessage());
        }
        return e;
    }

    private Path tensorFile(String name, String entry, int dataBytes) throws IOException {
        return RawFiles.write(dir.resolve(name + ".safetensors"), "{\"w\":" + entry + "}", new byte[dataBytes]);
    }

    @Test
    void fileShorterThanLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3, 4, 5});
        openFails(file, "truncated", "5 bytes");
    }

    @Test
    void emptyFile() throws IOException {
        openFails(Files.write(dir.resolve("empty.safetensors"), new byte[0]), "truncated");
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        Path file = RawFiles.writeWithLength(dir.resolve("past.safetensors"), 1000, json, new byte[0]);
        openFails(file, "header length 1000", "past the end");
    }

    @Test
    void headerLengthWithHighBitSetIsNotTakenAsNegative() throws IOException {
        Path file = RawFiles.writeWithLength(dir.resolve("huge.safetensors"), -8, new byte[16], new byte[0]);
        openFails(file, "header length 18446744073709551608", "past the end");
    }

    @Test
    void giantHeaderIsRefusedBeforeBeingRead() throws IOException {
        Path file = dir.resolve("giant.safetensors");
        long claimed = 150_000_000L;
        RawFiles.writeWithLength(file, claimed, new byte[0], new byte[0]);
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(8 + claimed); // sparse: no disk, but the length check alone cannot reject it
        }
        openFails(file, "150000000", "100000000-byte limit");
    }

    @Test
    void truncatedData() throws IOException {
        Path file = tensorFile("truncdata", "{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", 12);
        openFails(file, "'w'", "out of range", "<= 12");
    }

    @Test
    void messagesAreOneLineInWordsWithoutGsonsAdvice() throws IOException {
        for (String header : java.util.List.of("{\"w\": {\"dtype\": F32", "{'w': {}}", "{\"w\" {}}", "{\"w\": {\"dtype\": \"F32\",")) {
            String m = openFails(RawFiles.write(dir.resolve("hint.safetensors"), header, new byte[0]), "not valid JSON").getMessage();
            assertTrue(!m.contains("setStrictness") && !m.contains("LENIENT") && !m.contains("http") && !m.contains("\n"), m);
        }
        String m = openFails(RawFiles.write(dir.resolve("array.safetensors"), "[1]", new byte[0]),
                "expected the header to be a JSON object, found an array").getMessage();
        assertTrue(!m.contains("BEGIN_ARRAY"), m);
    }

    @Test
    void invalidJson() throws IOException {
        Path file = RawFiles.write(dir.resolve("json.safetensors"), "{\"w\": {\"dtype\": F32", new byte[0]);
        openFails(file, "not valid JSON");
    }

    @Test
    void headerNotAnObject() throws IOException {
        openFails(RawFiles.write(dir.resolve("array.safetensors"), "[1,2,3]", new byte[0]), "JSON object");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '{', '}', '}'};
        Path file = RawFiles.writeWithLength(dir.resolve("utf.safetensors"), header.length, header, new byte[0]);
        openFails(file, "UTF-8");
    }

    @Test
    void trailingGarbageAfterHeaderObject() throws IOException {
        openFails(RawFiles.write(dir.resolve("trail.safetensors"), "{} {}", new byte[0]), "not valid JSON");
    }

    @Test
    void endOffsetBeyondData() throws IOException {
        Path file = tensorFile("range", "{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[4,12]}", 8);
        openFails(file, "'w'", "[4, 12] out of range");
    }

    @Test
    void negativeOffset() throws IOException {
        Path file = tensorFile("neg", "{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]}", 8);
        openFails(file, "'w'", "[-4, 0] out of range");
    }

    @Test
    void endBeforeBegin() throws IOException {
        Path file = tensorFile("reversed", "{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[6,2]}", 8);
        openFails(file, "'w'", "[6, 2] out of range");
    }

    @Test
    void overlappingTensors() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        Path file = RawFiles.write(dir.resolve("overlap.safetensors"), json, new byte[12]);
        openFails(file, "'b'", "overlaps tensor 'a'");
    }

    @Test
    void unknownDtype() throws IOException {
        Path file = tensorFile("dtype", "{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}", 4);
        openFails(file, "'w'", "unknown dtype 'F8_E4M3'", "F32, F16, BF16");
    }

    @Test
    void shapeDoesNotMatchByteRange() throws IOException {
        Path file = tensorFile("size", "{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}", 12);
        openFails(file, "'w'", "needs 16 bytes", "span 12");
    }

    @Test
    void negativeDimension() throws IOException {
        Path file = tensorFile("dim", "{\"dtype\":\"F32\",\"shape\":[-1,-4],\"data_offsets\":[0,16]}", 16);
        openFails(file, "'w'", "negative dimension");
    }

    @Test
    void shapeWhoseByteCountOverflows() throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}";
        openFails(tensorFile("overflow", entry, 0), "'w'", "overflows");
    }

    @Test
    void fractionalDimension() throws IOException {
        Path file = tensorFile("frac", "{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", 4);
        openFails(file, "'w'", "'1.5', expected an integer");
    }

    @Test
    void missingField() throws IOException {
        openFails(tensorFile("missing", "{\"dtype\":\"F32\",\"shape\":[1]}", 4), "'w'", "lacks data_offsets");
    }

    @Test
    void offsetsNotAPair() throws IOException {
        Path file = tensorFile("pair", "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}", 2);
        openFails(file, "'w'", "3 values");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        Path file = RawFiles.write(dir.resolve("dup.safetensors"), "{\"w\":" + entry + ",\"w\":" + entry + "}",
                new byte[1]);
        openFails(file, "'w'", "twice");
    }

    @Test
    void metadataValueNotAString() throws IOException {
        Path file = RawFiles.write(dir.resolve("meta.safetensors"), "{\"__metadata__\":{\"steps\":20}}", new byte[0]);
        openFails(file, "'steps' to be a string");
    }

    @Test
    void absentTensorIsNamedWithTheFile() throws IOException {
        Path file = tensorFile("ok", "{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}", 2);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> st.info("bias"));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'bias'"), e::getMessage);
            assertEquals("bias", e.tensor().orElseThrow());
        }
    }

    @Test
    void loadAfterCloseFailsClearly() throws IOException {
        Path file = tensorFile("closed", "{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}", 2);
        SafetensorsFile st = SafetensorsFile.open(file);
        st.close();
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> st.load("w", manager));
            assertTrue(e.getMessage().contains("closed"), e::getMessage);
        }
    }

    @Test
    void missingFile() {
        openFails(dir.resolve("absent.safetensors"), "cannot open");
    }
}
