package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    /** A chunk as parsed by this test's own reader, independent of the code under test. */
    record RawChunk(String type, byte[] data, int storedCrc) {}

    static List<RawChunk> parse(byte[] png) {
        byte[] signature = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};
        for (int i = 0; i < 8; i++) assertEquals(signature[i], png[i], "signature byte " + i);
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        List<RawChunk> chunks = new ArrayList<>();
        while (in.hasRemaining()) {
            int length = in.getInt();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            chunks.add(new RawChunk(new String(type, StandardCharsets.US_ASCII), data, in.getInt()));
        }
        return chunks;
    }

    static int crcOf(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        return (int) crc.getValue();
    }

    private static byte[] randomRgb(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return rgb;
    }

    @Test
    void chunksAreLaidOutWithValidCrcsAndTextBeforeImageData() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("prompt", "{\"3\": {\"class_type\": \"KSampler\"}}");
        text.put("workflow", "{\"nodes\": []}");
        byte[] png = PngEncoder.encode(5, 3, randomRgb(5, 3, 1), text, 4);

        List<RawChunk> chunks = parse(png);
        assertEquals(List.of("IHDR", "tEXt", "tEXt", "IDAT", "IEND"), chunks.stream().map(RawChunk::type).toList());
        for (RawChunk c : chunks) assertEquals(crcOf(c.type(), c.data()), c.storedCrc(), "CRC of " + c.type());

        ByteBuffer ihdr = ByteBuffer.wrap(chunks.get(0).data());
        assertEquals(13, ihdr.capacity());
        assertEquals(5, ihdr.getInt());
        assertEquals(3, ihdr.getInt());
        assertEquals(8, ihdr.get(), "bit depth");
        assertEquals(2, ihdr.get(), "colour type RGB");

        assertEquals("prompt\0{\"3\": {\"class_type\": \"KSampler\"}}",
                new String(chunks.get(1).data(), StandardCharsets.ISO_8859_1));
        assertEquals("workflow\0{\"nodes\": []}", new String(chunks.get(2).data(), StandardCharsets.ISO_8859_1));
        assertEquals(0, chunks.get(4).data().length, "IEND is empty");
    }

    @Test
    void imageIoDecodesTheSamePixels() throws IOException {
        int w = 37;
        int h = 23;
        byte[] rgb = randomRgb(w, h, 2);
        // smooth rows too, so that every filter type gets chosen somewhere
        for (int i = 0; i < w * 3 * 5; i++) rgb[i] = (byte) (i / 3);
        for (int level : new int[] {0, 1, 4, 9}) {
            byte[] png = PngEncoder.encode(w, h, rgb, Map.of(), level);
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(w, decoded.getWidth());
            assertEquals(h, decoded.getHeight());
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = decoded.getRGB(x, y);
                    int i = (y * w + x) * 3;
                    int expected = (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
                    assertEquals(expected, p & 0xFFFFFF, "pixel " + x + "," + y + " at level " + level);
                }
            }
        }
    }

    @Test
    void textRoundTripsIncludingNonLatin1AsItxt() throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("prompt", "{\"a\": \"caf\u00e9\"}");
        text.put("workflow", "{\"title\": \"\u732b \u2192 \ud83d\udc31\"}");
        byte[] png = PngEncoder.encode(2, 2, randomRgb(2, 2, 3), text, 1);

        List<String> types = parse(png).stream().map(RawChunk::type).toList();
        assertEquals(List.of("IHDR", "tEXt", "iTXt", "IDAT", "IEND"), types, "Latin-1 fits tEXt, the rest iTXt");
        assertEquals(text, PngText.read(png, "test.png"));
        assertEquals(List.of("prompt", "workflow"), new ArrayList<>(PngText.read(png, "test.png").keySet()));
    }

    @Test
    void readsCompressedTextChunksWrittenByOthers() throws IOException {
        byte[] base = PngEncoder.encode(1, 1, new byte[] {1, 2, 3}, Map.of(), 4);
        List<RawChunk> chunks = parse(base);
        String json = "{\"nodes\": [1, 2, 3], \"note\": \"\u00fcber\"}";
        ByteArrayOutputStream ztxt = new ByteArrayOutputStream();
        ztxt.writeBytes("workflow\0\0".getBytes(StandardCharsets.ISO_8859_1));
        ztxt.writeBytes(deflate(json.getBytes(StandardCharsets.ISO_8859_1)));
        ByteArrayOutputStream itxt = new ByteArrayOutputStream();
        itxt.writeBytes("prompt\0".getBytes(StandardCharsets.ISO_8859_1));
        itxt.writeBytes(new byte[] {1, 0});
        itxt.writeBytes("en\0Prompt\0".getBytes(StandardCharsets.UTF_8));
        itxt.writeBytes(deflate("{\"t\": \"\u732b\"}".getBytes(StandardCharsets.UTF_8)));

        byte[] png = assemble(List.of(chunks.get(0), chunk("zTXt", ztxt.toByteArray()),
                chunk("iTXt", itxt.toByteArray()), chunks.get(1), chunks.get(2)));
        Map<String, String> text = PngText.read(png, "other.png");
        assertEquals(json, text.get("workflow"));
        assertEquals("{\"t\": \"\u732b\"}", text.get("prompt"));
    }

    @Test
    void corruptCrcIsReportedWithTheChunk() {
        byte[] png = PngEncoder.encode(2, 1, new byte[6], Map.of("prompt", "{}"), 4);
        // flip one byte of the tEXt data: 8 signature + 25 IHDR chunk + 8 header of tEXt
        png[8 + 25 + 8] ^= 0x01;
        IOException e = assertThrows(IOException.class, () -> PngText.read(png, "broken.png"));
        assertTrue(e.getMessage().contains("broken.png") && e.getMessage().contains("tEXt"), e.getMessage());
    }

    @Test
    void notAPngIsNamed() {
        IOException e = assertThrows(IOException.class,
                () -> PngText.read("GIF89a...".getBytes(StandardCharsets.US_ASCII), "cat.gif"));
        assertTrue(e.getMessage().contains("cat.gif"), e.getMessage());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(2, 2, new byte[11], Map.of(), 4));
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(1, 1, new byte[3], Map.of("", "x"), 4));
        assertThrows(IllegalArgumentException.class,
                () -> PngEncoder.encode(1, 1, new byte[3], Map.of("x".repeat(80), "x"), 4));
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(1, 1, new byte[3], Map.of(" lead", "x"), 4));
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(1, 1, new byte[3], Map.of(), 10));
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 64];
        int n = d.deflate(buf);
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }

    private static RawChunk chunk(String type, byte[] data) {
        return new RawChunk(type, data, crcOf(type, data));
    }

    private static byte[] assemble(List<RawChunk> chunks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
        for (RawChunk c : chunks) {
            out.writeInt(c.data().length);
            out.write(c.type().getBytes(StandardCharsets.US_ASCII));
            out.write(c.data());
            out.writeInt(c.storedCrc());
        }
        return bytes.toByteArray();
    }

    @Test
    void parsedChunkDataMatchesAssembly() throws IOException {
        byte[] png = PngEncoder.encode(3, 2, randomRgb(3, 2, 9), Map.of("k", "v"), 4);
        assertArrayEquals(png, assemble(parse(png)), "the test's parser and assembler are each other's inverse");
    }
}
