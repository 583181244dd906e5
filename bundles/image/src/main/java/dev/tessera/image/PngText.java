package dev.tessera.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The text chunks of a PNG ({@code tEXt}, {@code zTXt}, {@code iTXt}) as keyword → text, in file order. ComfyUI
 * stores the API workflow under {@code prompt} and the editor's workflow under {@code workflow}; this is how a
 * dropped PNG gives its workflow back.
 */
public final class PngText {

    /** A keyword is 1 to 79 Latin-1 characters (PNG specification 11.3.4.3). */
    public static final int MAX_KEYWORD_LENGTH = 79;

    private PngText() {}

    public static Map<String, String> read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    /**
     * @param source named in error messages (a file name or "upload")
     * @throws IOException if the bytes are not a well-formed PNG or a text chunk is malformed
     */
    public static Map<String, String> read(byte[] png, String source) throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        for (PngChunks.Chunk chunk : PngChunks.read(png, source)) {
            switch (chunk.type()) {
                case "tEXt" -> putText(text, chunk.data(), source);
                case "zTXt" -> putCompressedText(text, chunk.data(), source);
                case "iTXt" -> putInternationalText(text, chunk.data(), source);
                default -> { }
            }
        }
        return Collections.unmodifiableMap(text);
    }

    private static void putText(Map<String, String> text, byte[] data, String source) throws IOException {
        int nul = keywordEnd(data, "tEXt", source);
        text.putIfAbsent(latin1(data, 0, nul), latin1(data, nul + 1, data.length));
    }

    private static void putCompressedText(Map<String, String> text, byte[] data, String source) throws IOException {
        int nul = keywordEnd(data, "zTXt", source);
        if (nul + 1 >= data.length || data[nul + 1] != 0) {
            throw new IOException(source + ": zTXt chunk without deflate compression method");
        }
        byte[] value = inflate(data, nul + 2, source);
        text.putIfAbsent(latin1(data, 0, nul), new String(value, StandardCharsets.ISO_8859_1));
    }

    private static void putInternationalText(Map<String, String> text, byte[] data, String source) throws IOException {
        int nul = keywordEnd(data, "iTXt", source);
        int p = nul + 1;
        if (p + 2 > data.length) throw new IOException(source + ": iTXt chunk truncated after its keyword");
        boolean compressed = data[p] != 0;
        p += 2;
        int languageEnd = indexOf(data, p);
        int translatedEnd = languageEnd < 0 ? -1 : indexOf(data, languageEnd + 1);
        if (translatedEnd < 0) throw new IOException(source + ": iTXt chunk without language and translated keyword");
        p = translatedEnd + 1;
        byte[] value = compressed ? inflate(data, p, source) : java.util.Arrays.copyOfRange(data, p, data.length);
        text.putIfAbsent(latin1(data, 0, nul), new String(value, StandardCharsets.UTF_8));
    }

    private static int keywordEnd(byte[] data, String type, String source) throws IOException {
        int nul = indexOf(data, 0);
        if (nul < 1 || nul > MAX_KEYWORD_LENGTH) {
            throw new IOException(source + ": " + type + " chunk without a 1-79 character keyword");
        }
        return nul;
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) return i;
        }
        return -1;
    }

    private static String latin1(byte[] data, int from, int to) {
        return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] inflate(byte[] data, int offset, String source) throws IOException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, offset, data.length - offset);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException(source + ": compressed text chunk is truncated");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException(source + ": compressed text chunk is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** Whether {@code keyword} may name a PNG text chunk: 1-79 Latin-1 printable characters, no edge spaces. */
    public static boolean isValidKeyword(String keyword) {
        if (keyword == null || keyword.isEmpty() || keyword.length() > MAX_KEYWORD_LENGTH) return false;
        if (keyword.startsWith(" ") || keyword.endsWith(" ") || keyword.contains("  ")) return false;
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            if (!(c >= 32 && c <= 126) && !(c >= 161 && c <= 255)) return false;
        }
        return true;
    }

    static boolean isLatin1(String s) {
        return LATIN1.newEncoder().canEncode(s);
    }

    private static final Charset LATIN1 = StandardCharsets.ISO_8859_1;
}
