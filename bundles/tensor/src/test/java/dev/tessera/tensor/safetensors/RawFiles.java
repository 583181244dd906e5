package dev.tessera.tensor.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, independently of {@link SafetensorsWriter}. */
final class RawFiles {

    private RawFiles() {
    }

    /** A file with a correct length prefix for {@code json}, followed by {@code data}. */
    static Path write(Path file, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return writeWithLength(file, header.length, header, data);
    }

    /** A file whose prefix claims {@code declaredLength} whatever follows. */
    static Path writeWithLength(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(declaredLength).put(header).put(data);
        Files.write(file, bytes.array());
        return file;
    }

    /** Little-endian bytes of the given values, each {@code width} bytes wide. */
    static byte[] littleEndian(int width, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            switch (width) {
                case 1 -> bytes.put((byte) value);
                case 2 -> bytes.putShort((short) value);
                case 4 -> bytes.putInt((int) value);
                case 8 -> bytes.putLong(value);
                default -> throw new IllegalArgumentException("width " + width);
            }
        }
        return bytes.array();
    }
}
