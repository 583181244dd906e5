package dev.tessera.image;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes 8-bit RGB PNGs with text chunks, as ComfyUI's SaveImage does through PIL: IHDR, one text chunk per entry
 * (before the image data, so readers that stop early still find them), IDAT, IEND. Text that Latin-1 can hold
 * goes in {@code tEXt}; other text in an uncompressed UTF-8 {@code iTXt}, which is what PIL falls back to.
 */
public final class PngEncoder {

    /** ComfyUI's SaveImage level. */
    public static final int DEFAULT_COMPRESSION = 4;

    private static final int BYTES_PER_PIXEL = 3;

    private PngEncoder() {}

    /**
     * @param rgb              row-major samples [height, width, 3]
     * @param text             keyword → text, written in iteration order
     * @param compressionLevel deflate level 0-9
     * @throws IllegalArgumentException for a wrong sample count, an invalid keyword or level
     */
    public static byte[] encode(int width, int height, byte[] rgb, Map<String, String> text, int compressionLevel) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rgb.length / 2 + 1024);
        try {
            write(width, height, rgb, text, compressionLevel, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** {@link #encode} onto a stream (not closed). */
    public static void write(int width, int height, byte[] rgb, Map<String, String> text, int compressionLevel,
                             OutputStream target) throws IOException {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("PNG size must be positive: " + width + "x" + height);
        if ((long) width * height * BYTES_PER_PIXEL != rgb.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image has "
                    + (long) width * height * BYTES_PER_PIXEL + " samples, got " + rgb.length);
        }
        if (compressionLevel < 0 || compressionLevel > 9) {
            throw new IllegalArgumentException("deflate level must be 0-9, got " + compressionLevel);
        }
        for (String keyword : text.keySet()) {
            if (!PngText.isValidKeyword(keyword)) {
                throw new IllegalArgumentException("'" + keyword + "' is not a PNG text keyword (1-79 Latin-1 characters)");
            }
        }
        DataOutputStream out = new DataOutputStream(target);
        out.write(PngChunks.SIGNATURE);
        PngChunks.write(out, "IHDR", header(width, height));
        for (Map.Entry<String, String> e : text.entrySet()) {
            writeText(out, e.getKey(), e.getValue());
        }
        PngChunks.write(out, "IDAT", imageData(width, height, rgb, compressionLevel));
        PngChunks.write(out, "IEND", new byte[0]);
        out.flush();
    }

    private static byte[] header(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(13);
        b.putInt(width).putInt(height);
        b.put((byte) 8); // bits per sample
        b.put((byte) 2); // colour type: truecolour
        b.put((byte) 0); // deflate
        b.put((byte) 0); // adaptive filtering
        b.put((byte) 0); // no interlace
        return b.array();
    }

    private static void writeText(DataOutputStream out, String keyword, String value) throws IOException {
        byte[] key = keyword.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream data = new ByteArrayOutputStream(key.length + value.length() + 8);
        data.write(key);
        data.write(0);
        if (PngText.isLatin1(value) && value.indexOf('\0') < 0) {
            data.write(value.getBytes(StandardCharsets.ISO_8859_1));
            PngChunks.write(out, "tEXt", data.toByteArray());
        } else {
            data.write(new byte[] {0, 0, 0, 0}); // not compressed, method, empty language, empty translation
            data.write(value.getBytes(StandardCharsets.UTF_8));
            PngChunks.write(out, "iTXt", data.toByteArray());
        }
    }

    private static byte[] imageData(int width, int height, byte[] rgb, int level) throws IOException {
        int stride = width * BYTES_PER_PIXEL;
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(rgb.length / 4 + 64);
        Deflater deflater = new Deflater(level);
        try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, deflater, 1 << 16)) {
            byte[] filtered = new byte[stride];
            byte[] best = new byte[stride];
            for (int y = 0; y < height; y++) {
                int row = y * stride;
                int prev = y == 0 ? -1 : row - stride;
                int bestType = 0;
                long bestScore = Long.MAX_VALUE;
                // libpng's heuristic: the filter whose output has the smallest sum of absolute signed bytes.
                for (int type = 0; type <= 4; type++) {
                    long score = filterRow(type, rgb, row, prev, stride, filtered);
                    if (score < bestScore) {
                        bestScore = score;
                        bestType = type;
                        System.arraycopy(filtered, 0, best, 0, stride);
                    }
                }
                z.write(bestType);
                z.write(best);
            }
        } finally {
            deflater.end();
        }
        return compressed.toByteArray();
    }

    /** Applies PNG filter {@code type} to one row; returns the sum of |signed byte| of the result. */
    private static long filterRow(int type, byte[] px, int row, int prev, int stride, byte[] out) {
        long score = 0;
        for (int i = 0; i < stride; i++) {
            int x = px[row + i] & 0xFF;
            int a = i >= BYTES_PER_PIXEL ? px[row + i - BYTES_PER_PIXEL] & 0xFF : 0;
            int b = prev >= 0 ? px[prev + i] & 0xFF : 0;
            int c = prev >= 0 && i >= BYTES_PER_PIXEL ? px[prev + i - BYTES_PER_PIXEL] & 0xFF : 0;
            int predicted = switch (type) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) >>> 1;
                default -> paeth(a, b, c);
            };
            byte v = (byte) (x - predicted);
            out[i] = v;
            score += Math.abs(v);
        }
        return score;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }
}
