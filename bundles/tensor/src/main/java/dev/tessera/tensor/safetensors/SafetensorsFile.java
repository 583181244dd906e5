package dev.tessera.tensor.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * An open safetensors file. Opening reads and validates only the header; {@link #load} maps one tensor's bytes
 * and copies them into a tensor, so a checkpoint of any size loads with little heap. Safe for concurrent loads.
 */
public final class SafetensorsFile implements AutoCloseable {

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
    }

    /** Opens {@code file} and validates its header; throws {@link SafetensorsException} if it is malformed. */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafetensorsException(file, null, "cannot open: " + e, e);
        }
        try {
            long size = channel.size();
            long headerBytes = readHeaderLength(file, channel, size);
            ByteBuffer json = ByteBuffer.allocate((int) headerBytes);
            readFully(file, channel, json, LENGTH_PREFIX_BYTES);
            long dataStart = LENGTH_PREFIX_BYTES + headerBytes;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json.flip(), size - dataStart);
            return new SafetensorsFile(file, channel, dataStart, header);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            if (e instanceof SafetensorsException known) {
                throw known;
            }
            throw new SafetensorsException(file, null, "cannot read header: " + e, e);
        }
    }

    private static long readHeaderLength(Path file, FileChannel channel, long size) throws IOException {
        if (size < LENGTH_PREFIX_BYTES) {
            throw new SafetensorsException(file, null, "truncated: " + size
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, prefix, 0);
        long headerBytes = prefix.getLong(0); // an unsigned 64-bit value; above 2^63 it reads as negative
        if (headerBytes < 0 || headerBytes > size - LENGTH_PREFIX_BYTES) {
            throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(headerBytes)
                    + " runs past the end of the " + size + "-byte file (truncated or not a safetensors file)");
        }
        if (headerBytes > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new SafetensorsException(file, null, "header length " + headerBytes + " exceeds the "
                    + SafetensorsHeader.MAX_HEADER_BYTES + "-byte limit on headers");
        }
        if (headerBytes < 2) {
            throw new SafetensorsException(file, null, "header length " + headerBytes
                    + " is too short for a JSON object");
        }
        return headerBytes;
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer target, long position)
            throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int read = channel.read(target, at);
            if (read < 0) {
                throw new SafetensorsException(file, null, "truncated while reading the header");
            }
            at += read;
        }
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    public Path path() {
        return path;
    }

    /** The string map under "__metadata__", empty if the file has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor names in the order the header lists them. */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** The header entry of {@code name}; throws {@link SafetensorsException} naming file and tensor if absent. */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new SafetensorsException(path, name, "no such tensor (the file has " + names().size()
                    + " tensors)");
        }
        return info;
    }

    /**
     * Loads {@code name} in the file's dtype (BF16 widened exactly to float32, see {@link SafetensorsDType}) onto
     * {@code manager}'s device, attached to {@code manager}. The tensor owns its memory: it does not depend on this
     * file staying open.
     */
    public NDArray load(String name, NDManager manager) {
        TensorInfo info = info(name);
        if (!channel.isOpen()) {
            throw new SafetensorsException(path, name, "cannot load: the file has been closed");
        }
        long loadedBytes = info.elementCount() * info.dtype().toDjl().getNumOfBytes();
        if (loadedBytes > Integer.MAX_VALUE) {
            throw new SafetensorsException(path, name, loadedBytes
                    + " bytes: single tensors above 2 GiB cannot pass through DJL's buffer API");
        }
        ByteBuffer bytes = map(info);
        if (info.dtype() == SafetensorsDType.BF16) {
            bytes = widenBf16(bytes, (int) info.elementCount());
        }
        Shape shape = new Shape(info.shape());
        if (!manager.getDevice().isGpu()) {
            // On the CPU DJL wraps a direct buffer without copying; a clone makes the tensor own its memory instead
            // of aliasing a read-only mapping (unmapped when the buffer is collected) or a GC-freed direct buffer.
            try (NDArray aliased = manager.create(bytes, shape, info.dtype().toDjl())) {
                return aliased.duplicate();
            }
        }
        return manager.create(bytes, shape, info.dtype().toDjl()); // copied to the device by DJL
    }

    /** bfloat16 bits are the high 16 bits of the float32 with the same value. */
    private static ByteBuffer widenBf16(ByteBuffer bf16, int count) {
        ShortBuffer in = bf16.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        ByteBuffer out = ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
        IntBuffer bits = out.asIntBuffer();
        for (int i = 0; i < count; i++) {
            bits.put(i, (in.get(i) & 0xFFFF) << 16);
        }
        return out;
    }

    private MappedByteBuffer map(TensorInfo info) {
        try {
            MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.offset(),
                    info.byteSize());
            bytes.order(ByteOrder.LITTLE_ENDIAN);
            return bytes;
        } catch (IOException e) {
            throw new SafetensorsException(path, info.name(), "cannot map its data: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new SafetensorsException(path, null, "cannot close: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names().size() + " tensors]";
    }
}
