package dev.tessera.image;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/** The chunk structure of a PNG stream: signature, then length, type, data and CRC per chunk. */
final class PngChunks {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    record Chunk(String type, byte[] data) {}

    private PngChunks() {}

    static boolean isPng(byte[] bytes) {
        return bytes.length >= SIGNATURE.length && Arrays.equals(bytes, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
    }

    /**
     * The chunks of a PNG, checking every CRC; reading stops after IEND.
     *
     * @throws IOException naming {@code source} and the offset of the first malformed chunk
     */
    static List<Chunk> read(byte[] png, String source) throws IOException {
        if (!isPng(png)) throw new IOException(source + ": not a PNG file (no PNG signature)");
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(SIGNATURE.length);
        List<Chunk> chunks = new ArrayList<>();
        while (in.remaining() > 0) {
            int offset = in.position();
            if (in.remaining() < 12) throw new IOException(source + ": truncated chunk header at byte " + offset);
            long length = in.getInt() & 0xFFFFFFFFL;
            byte[] typeBytes = new byte[4];
            in.get(typeBytes);
            String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
            if (length > in.remaining() - 4) {
                throw new IOException(source + ": chunk " + type + " at byte " + offset + " claims " + length
                        + " bytes but only " + (in.remaining() - 4) + " remain");
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            int stored = in.getInt();
            if (stored != crc(typeBytes, data)) {
                throw new IOException(source + ": CRC mismatch in chunk " + type + " at byte " + offset);
            }
            chunks.add(new Chunk(type, data));
            if (type.equals("IEND")) break;
        }
        return chunks;
    }

    static int crc(byte[] type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        return (int) crc.getValue();
    }

    static void write(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeInt(data.length);
        out.write(typeBytes);
        out.write(data);
        out.writeInt(crc(typeBytes, data));
    }
}
