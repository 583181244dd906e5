package dev.tessera.tensor.safetensors;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header. Every entry is checked against the data section's length before any
 * tensor is read, so that a bad file fails at open with a message, not later with a crash.
 */
record SafetensorsHeader(Map<String, String> metadata, Map<String, TensorInfo> tensors) {

    /** Headers above this are refused rather than read into memory (the reference implementation's limit). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    /** Parses {@code json} (the header bytes) for a file whose data section is {@code dataBytes} long. */
    static SafetensorsHeader parse(Path file, ByteBuffer json, long dataBytes) {
        String text = decodeUtf8(file, json);
        Map<String, String> metadata = Map.of();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            expect(file, null, reader, JsonToken.BEGIN_OBJECT, "the header to be a JSON object");
            reader.beginObject();
            boolean sawMetadata = false;
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw new SafetensorsException(file, null, "header has '" + METADATA_KEY + "' twice");
                    }
                    sawMetadata = true;
                    metadata = readMetadata(file, reader);
                } else if (tensors.containsKey(name)) {
                    throw new SafetensorsException(file, name, "header names this tensor twice");
                } else {
                    tensors.put(name, readTensor(file, name, reader, dataBytes));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new SafetensorsException(file, null, "header has data after its JSON object");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson reports syntax errors as MalformedJsonException (an IOException) or IllegalStateException.
            throw new SafetensorsException(file, null, "header is not valid JSON: " + JsonErrors.describe(e), e);
        }
        checkNoOverlap(file, tensors.values());
        return new SafetensorsHeader(metadata, Collections.unmodifiableMap(tensors));
    }

    private static String decodeUtf8(Path file, ByteBuffer json) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(json)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, null, "header is not valid UTF-8", e);
        }
    }

    private static Map<String, String> readMetadata(Path file, JsonReader reader) throws IOException {
        expect(file, null, reader, JsonToken.BEGIN_OBJECT, "'" + METADATA_KEY + "' to be an object of strings");
        Map<String, String> metadata = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            expect(file, null, reader, JsonToken.STRING, "'" + METADATA_KEY + "' entry '" + key + "' to be a string");
            metadata.put(key, reader.nextString());
        }
        reader.endObject();
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo readTensor(Path file, String name, JsonReader reader, long dataBytes)
            throws IOException {
        expect(file, name, reader, JsonToken.BEGIN_OBJECT, "an object with dtype, shape and data_offsets");
        String dtypeCode = null;
        long[] shape = null;
        long[] offsets = null;
        reader.beginObject();
        while (reader.hasNext()) {
            switch (reader.nextName()) {
                case "dtype" -> {
                    expect(file, name, reader, JsonToken.STRING, "dtype to be a string");
                    dtypeCode = reader.nextString();
                }
                case "shape" -> shape = readLongs(file, name, reader, "shape");
                case "data_offsets" -> offsets = readLongs(file, name, reader, "data_offsets");
                default -> reader.skipValue(); // unknown fields are tolerated, as by the reference reader
            }
        }
        reader.endObject();
        return validate(file, name, dtypeCode, shape, offsets, dataBytes);
    }

    private static long[] readLongs(Path file, String name, JsonReader reader, String field) throws IOException {
        expect(file, name, reader, JsonToken.BEGIN_ARRAY, field + " to be an array of integers");
        List<Long> values = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            expect(file, name, reader, JsonToken.NUMBER, field + " to hold integers only");
            String number = reader.nextString();
            try {
                values.add(Long.parseLong(number));
            } catch (NumberFormatException e) {
                throw new SafetensorsException(file, name, field + " holds '" + number + "', expected an integer");
            }
        }
        reader.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static TensorInfo validate(Path file, String name, String dtypeCode, long[] shape, long[] offsets,
            long dataBytes) {
        if (dtypeCode == null || shape == null || offsets == null) {
            throw new SafetensorsException(file, name, "header entry lacks "
                    + (dtypeCode == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        SafetensorsDType dtype = SafetensorsDType.fromCode(dtypeCode).orElseThrow(() -> new SafetensorsException(
                file, name, "unknown dtype '" + dtypeCode + "', expected one of " + SafetensorsDType.supportedCodes()));
        if (offsets.length != 2) {
            throw new SafetensorsException(file, name, "data_offsets has " + offsets.length
                    + " values, expected [begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new SafetensorsException(file, name, "data_offsets [" + begin + ", " + end
                    + "] out of range: expected 0 <= begin <= end <= " + dataBytes + " (data section length)");
        }
        long expected = expectedBytes(file, name, dtype, shape);
        if (expected != end - begin) {
            throw new SafetensorsException(file, name, "shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + expected + " bytes but data_offsets span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end - begin);
    }

    private static long expectedBytes(Path file, String name, SafetensorsDType dtype, long[] shape) {
        long bytes = dtype.byteSize();
        for (long dim : shape) {
            if (dim < 0) {
                throw new SafetensorsException(file, name, "shape " + java.util.Arrays.toString(shape)
                        + " has a negative dimension");
            }
            try {
                bytes = Math.multiplyExact(bytes, dim);
            } catch (ArithmeticException e) {
                throw new SafetensorsException(file, name, "shape " + java.util.Arrays.toString(shape)
                        + " overflows a 64-bit byte count");
            }
        }
        return bytes;
    }

    private static void checkNoOverlap(Path file, Iterable<TensorInfo> tensors) {
        List<TensorInfo> byOffset = new ArrayList<>();
        tensors.forEach(byOffset::add);
        byOffset.sort(Comparator.comparingLong(TensorInfo::offset).thenComparingLong(TensorInfo::byteSize));
        TensorInfo previous = null;
        for (TensorInfo info : byOffset) {
            if (previous != null && info.offset() < previous.offset() + previous.byteSize()) {
                throw new SafetensorsException(file, info.name(), "data [" + info.offset() + ", "
                        + (info.offset() + info.byteSize()) + ") overlaps tensor '" + previous.name() + "' ["
                        + previous.offset() + ", " + (previous.offset() + previous.byteSize()) + ")");
            }
            if (info.byteSize() > 0) {
                previous = info;
            }
        }
    }

    private static void expect(Path file, String tensor, JsonReader reader, JsonToken token, String what)
            throws IOException {
        JsonToken actual = reader.peek();
        if (actual != token) {
            throw new SafetensorsException(file, tensor, "expected " + what + ", found " + describe(actual));
        }
    }

    /** A token in words rather than Gson's constant names. */
    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case END_ARRAY -> "the end of an array";
            case END_OBJECT -> "the end of an object";
            case NAME -> "a name";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case NULL -> "null";
            case END_DOCUMENT -> "the end of the header";
        };
    }
}
