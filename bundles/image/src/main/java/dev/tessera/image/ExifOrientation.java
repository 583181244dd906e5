package dev.tessera.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The EXIF orientation tag (0x0112) of a JPEG or PNG, and the transpose that undoes it, as PIL's
 * {@code ImageOps.exif_transpose} (which ComfyUI's LoadImage applies). Anything unreadable counts as "upright".
 */
final class ExifOrientation {

    static final int UPRIGHT = 1;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {}

    /** The orientation 1-8 stored in the file's EXIF, or 1 when there is none. */
    static int of(byte[] file) {
        try {
            byte[] tiff = PngChunks.isPng(file) ? pngExif(file) : jpegExif(file);
            return tiff == null ? UPRIGHT : fromTiff(tiff);
        } catch (RuntimeException | java.io.IOException e) {
            return UPRIGHT;
        }
    }

    private static byte[] pngExif(byte[] file) throws java.io.IOException {
        List<PngChunks.Chunk> chunks = PngChunks.read(file, "png");
        for (PngChunks.Chunk c : chunks) {
            if (c.type().equals("eXIf")) return c.data();
            if (c.type().equals("IDAT")) break;
        }
        return null;
    }

    /** The TIFF block of the first APP1 "Exif" segment before the image data. */
    private static byte[] jpegExif(byte[] file) {
        if (file.length < 4 || (file[0] & 0xFF) != 0xFF || (file[1] & 0xFF) != 0xD8) return null;
        int p = 2;
        while (p + 4 <= file.length && (file[p] & 0xFF) == 0xFF) {
            int marker = file[p + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) return null; // start of scan / end: no EXIF before the data
            int length = ((file[p + 2] & 0xFF) << 8) | (file[p + 3] & 0xFF);
            int body = p + 4;
            if (marker == 0xE1 && length >= 8 && body + 6 <= file.length
                    && new String(file, body, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                int end = Math.min(file.length, p + 2 + length);
                return java.util.Arrays.copyOfRange(file, body + 6, end);
            }
            p += 2 + length;
        }
        return null;
    }

    private static int fromTiff(byte[] tiff) {
        ByteBuffer b = ByteBuffer.wrap(tiff);
        if (tiff[0] == 'I' && tiff[1] == 'I') b.order(ByteOrder.LITTLE_ENDIAN);
        else if (tiff[0] == 'M' && tiff[1] == 'M') b.order(ByteOrder.BIG_ENDIAN);
        else return UPRIGHT;
        int ifd = b.getInt(4);
        int count = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < count; i++) {
            int entry = ifd + 2 + 12 * i;
            if ((b.getShort(entry) & 0xFFFF) == ORIENTATION_TAG) {
                int value = b.getShort(entry + 8) & 0xFFFF; // type SHORT, count 1: value sits left-justified
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    /** The image turned upright: orientation 2 mirrors, 3 turns 180°, 6 turns 90° clockwise, and so on. */
    static DecodedImage apply(DecodedImage img, int orientation) {
        if (orientation == UPRIGHT) return img;
        boolean swap = orientation >= 5;
        int w = swap ? img.height() : img.width();
        int h = swap ? img.width() : img.height();
        int[] out = new int[w * h];
        int sw = img.width();
        int sh = img.height();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = sw - 1 - x; sy = y; }
                    case 3 -> { sx = sw - 1 - x; sy = sh - 1 - y; }
                    case 4 -> { sx = x; sy = sh - 1 - y; }
                    case 5 -> { sx = y; sy = x; }                     // transpose
                    case 6 -> { sx = y; sy = sh - 1 - x; }            // turn 90° clockwise
                    case 7 -> { sx = sw - 1 - y; sy = sh - 1 - x; }   // transverse
                    case 8 -> { sx = sw - 1 - y; sy = x; }            // turn 90° counter-clockwise
                    default -> throw new IllegalArgumentException("EXIF orientation " + orientation);
                }
                out[y * w + x] = img.argb()[sy * sw + sx];
            }
        }
        return new DecodedImage(w, h, out, img.hasAlpha());
    }
}
