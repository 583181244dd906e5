package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "ImageIO writes " + format);
        return out.toByteArray();
    }

    @Test
    void grayIsReadWithoutColourConversion() throws IOException {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 100);
        gray.getRaster().setSample(1, 0, 0, 7);
        DecodedImage img = ImageDecoder.decode(encode(gray, "png"), "gray.png");
        assertEquals(0xFF646464, img.pixel(0, 0), "sample 100 stays 100 (getRGB would brighten linear gray)");
        assertEquals(0xFF070707, img.pixel(1, 0));
        assertFalse(img.hasAlpha());
    }

    @Test
    void sixteenBitKeepsTheHighByte() throws IOException {
        BufferedImage gray16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0xABCD);
        assertEquals(0xFFABABAB, ImageDecoder.decode(encode(gray16, "png"), "g16.png").pixel(0, 0));
    }

    @Test
    void alphaAndPaletteTransparencyAreKept() throws IOException {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x40102030);
        argb.setRGB(1, 0, 0xFFFFFFFF);
        DecodedImage img = ImageDecoder.decode(encode(argb, "png"), "a.png");
        assertTrue(img.hasAlpha());
        assertEquals(0x40102030, img.pixel(0, 0));

        byte[] r = {0, (byte) 255};
        byte[] g = {0, 0};
        byte[] b = {0, 0};
        byte[] a = {0, (byte) 255};
        BufferedImage palette = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b, a));
        palette.getRaster().setSample(0, 0, 0, 0);
        palette.getRaster().setSample(1, 0, 0, 1);
        DecodedImage p = ImageDecoder.decode(encode(palette, "png"), "p.png");
        assertTrue(p.hasAlpha());
        assertEquals(0, p.pixel(0, 0) >>> 24, "transparent palette entry");
        assertEquals(0xFFFF0000, p.pixel(1, 0));
    }

    /** A 16x8 JPEG, left half red and right half blue, with an EXIF orientation inserted after SOI. */
    private static byte[] jpegWithOrientation(int orientation) throws IOException {
        BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, x < 8 ? 0xFF0000 : 0x0000FF);
        byte[] jpeg = encode(img, "jpg");
        ByteBuffer tiff = ByteBuffer.allocate(26); // big-endian TIFF with one IFD entry
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = tiff.array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        int length = 2 + 6 + exif.length;
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
        out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(exif);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static boolean reddish(int p) {
        return ((p >> 16) & 0xFF) > 200 && (p & 0xFF) < 60;
    }

    private static boolean bluish(int p) {
        return (p & 0xFF) > 200 && ((p >> 16) & 0xFF) < 60;
    }

    @Test
    void jpegExifOrientationIsUndone() throws IOException {
        DecodedImage upright = ImageDecoder.decode(jpegWithOrientation(1), "o1.jpg");
        assertEquals(16, upright.width());
        assertTrue(reddish(upright.pixel(2, 4)) && bluish(upright.pixel(13, 4)));

        // 6: the camera was turned; the stored left half is the top of the upright picture
        DecodedImage turned = ImageDecoder.decode(jpegWithOrientation(6), "o6.jpg");
        assertEquals(8, turned.width());
        assertEquals(16, turned.height());
        assertTrue(reddish(turned.pixel(4, 2)), "top is red");
        assertTrue(bluish(turned.pixel(4, 13)), "bottom is blue");

        // 8: the other way round
        DecodedImage other = ImageDecoder.decode(jpegWithOrientation(8), "o8.jpg");
        assertTrue(bluish(other.pixel(4, 2)) && reddish(other.pixel(4, 13)));

        // 3: upside down, so left and right swap
        DecodedImage flipped = ImageDecoder.decode(jpegWithOrientation(3), "o3.jpg");
        assertTrue(bluish(flipped.pixel(2, 4)) && reddish(flipped.pixel(13, 4)));
    }

    @Test
    void pngExifOrientationIsUndone() throws IOException {
        byte[] png = PngEncoder.encode(2, 1, new byte[] {(byte) 255, 0, 0, 0, 0, (byte) 255}, Map.of(), 4);
        List<PngEncoderTest.RawChunk> chunks = PngEncoderTest.parse(png);
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put((byte) 'I').put((byte) 'I').order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 2).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = tiff.array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(java.util.Arrays.copyOf(png, 8));
        for (int i = 0; i < chunks.size(); i++) {
            PngEncoderTest.RawChunk c = chunks.get(i);
            writeChunk(out, c.type(), c.data());
            if (i == 0) writeChunk(out, "eXIf", exif);
        }
        DecodedImage mirrored = ImageDecoder.decode(out.toByteArray(), "mirrored.png");
        assertEquals(0xFF0000FF, mirrored.pixel(0, 0), "orientation 2 mirrors left and right");
        assertEquals(0xFFFF0000, mirrored.pixel(1, 0));
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length).put(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data)
                .putInt(PngEncoderTest.crcOf(type, data));
        out.writeBytes(b.array());
    }

    @Test
    void garbageIsReportedWithItsName() {
        IOException e = assertThrows(IOException.class,
                () -> ImageDecoder.decode("definitely not an image".getBytes(), "notes.png"));
        assertTrue(e.getMessage().contains("notes.png"), e.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(PngEncoder.encode(4, 4, new byte[48], Map.of(), 4), 40);
        IOException t = assertThrows(IOException.class, () -> ImageDecoder.decode(truncated, "cut.png"));
        assertTrue(t.getMessage().contains("cut.png"), t.getMessage());
    }
}
