package dev.tessera.tensor.safetensors;

import ai.djl.ndarray.NDArray;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Writes tensors as a safetensors file readable by {@link SafetensorsFile} and by the reference implementation. */
public final class SafetensorsWriter {

    /** The data section starts 8-byte aligned, as the reference writer does, by padding the header with spaces. */
    private static final int ALIGNMENT = 8;

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} in map order, with {@code metadata} as "__metadata__" (omitted if empty). The file is
     * written beside its final path and moved into place, so readers never see half a file.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        byte[] header = header(file, tensors, metadata);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(out, header, tensors);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new SafetensorsException(file, null, "cannot write: " + e, e);
        }
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new SafetensorsException(file, null, "cannot move the written file into place: " + e, e);
        }
    }

    /**
     * Writes the same content to {@code out}, for callers that place the file themselves (numbered saves that must
     * not overwrite); {@code file} only names the file in errors. The stream is not closed.
     */
    public static void write(OutputStream out, Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        writeTo(Channels.newChannel(out), header(file, tensors, metadata), tensors);
    }

    private static void writeTo(WritableByteChannel out, byte[] header, Map<String, NDArray> tensors)
            throws IOException {
        writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
        writeFully(out, ByteBuffer.wrap(header));
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            // toByteBuffer copies a contiguous CPU image of the tensor in native (little-endian) order.
            writeFully(out, entry.getValue().toByteBuffer());
        }
    }

    private static byte[] header(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        StringWriter json = new StringWriter();
        try (JsonWriter writer = new JsonWriter(json)) {
            writer.beginObject();
            if (!metadata.isEmpty()) {
                writer.name(SafetensorsHeader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> entry : metadata.entrySet()) {
                    writer.name(entry.getKey()).value(entry.getValue());
                }
                writer.endObject();
            }
            long offset = 0;
            for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
                offset = writeEntry(file, writer, entry.getKey(), entry.getValue(), offset);
            }
            writer.endObject();
        } catch (IOException e) {
            throw new SafetensorsException(file, null, "cannot write header: " + e, e);
        }
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        byte[] header = new byte[padded];
        System.arraycopy(bytes, 0, header, 0, bytes.length);
        java.util.Arrays.fill(header, bytes.length, padded, (byte) ' ');
        return header;
    }

    private static long writeEntry(Path file, JsonWriter writer, String name, NDArray array, long offset)
            throws IOException {
        if (SafetensorsHeader.METADATA_KEY.equals(name)) {
            throw new SafetensorsException(file, name, "this name is reserved for metadata");
        }
        SafetensorsDType dtype = SafetensorsDType.fromDjl(array.getDataType()).orElseThrow(
                () -> new SafetensorsException(file, name, "data type " + array.getDataType()
                        + " has no safetensors dtype here; supported: " + SafetensorsDType.supportedCodes()));
        long bytes = array.size() * dtype.byteSize();
        writer.name(name).beginObject();
        writer.name("dtype").value(dtype.name());
        writer.name("shape").beginArray();
        for (long dim : array.getShape().getShape()) {
            writer.value(dim);
        }
        writer.endArray();
        writer.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
        writer.endObject();
        return offset + bytes;
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    private static void deleteQuietly(Path partial) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // the original failure is what the caller needs to hear about
        }
    }
}
