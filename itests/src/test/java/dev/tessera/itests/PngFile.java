package dev.tessera.itests;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The parts of a PNG the tests check, read by hand from the chunk layout of the PNG specification. */
record PngFile(int width, int height, Map<String, String> texts) {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** How many distinct colours the image has (random weights give noise: a blank image means a broken pipeline). */
    static int colours(byte[] bytes) throws java.io.IOException {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    static PngFile read(byte[] bytes) {
        if (!Arrays.equals(Arrays.copyOf(bytes, 8), SIGNATURE)) throw new AssertionError("not a PNG");
        ByteBuffer in = ByteBuffer.wrap(bytes, 8, bytes.length - 8);
        int width = -1;
        int height = -1;
        Map<String, String> texts = new LinkedHashMap<>();
        while (in.remaining() >= 12) {
            int length = in.getInt();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            in.getInt(); // CRC
            String name = new String(type, StandardCharsets.US_ASCII);
            if (name.equals("IHDR")) {
                ByteBuffer header = ByteBuffer.wrap(data);
                width = header.getInt();
                height = header.getInt();
            } else if (name.equals("tEXt")) {
                int nul = 0;
                while (data[nul] != 0) nul++;
                texts.put(new String(data, 0, nul, StandardCharsets.ISO_8859_1),
                        new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1));
            } else if (name.equals("IEND")) {
                break;
            }
        }
        return new PngFile(width, height, texts);
    }

    Optional<String> text(String keyword) {
        return Optional.ofNullable(texts.get(keyword));
    }
}
