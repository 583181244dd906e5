package dev.tessera.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) that is already in memory and size-checked. Small and strict:
 * the same code runs under any servlet container, so upload limits and errors do not depend on its settings.
 */
public final class Multipart {

    /** One part: a form field ({@code filename} null) or a file. */
    public record Part(String name, String filename, String contentType, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private static final int MAX_PARTS = 32;
    private static final int MAX_HEADER_BYTES = 8192;

    private Multipart() {
    }

    /** The boundary of a {@code multipart/form-data} content type. */
    public static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiException.badRequest("invalid_request", "expected a multipart/form-data body, got "
                    + (contentType == null ? "no content type" : "'" + contentType + "'"));
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) b = b.substring(1, b.length() - 1);
                if (!b.isEmpty() && b.length() <= 70) return b;
            }
        }
        throw ApiException.badRequest("invalid_request", "the multipart content type has no usable boundary");
    }

    public static List<Part> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) throw malformed("no boundary line");
        List<Part> parts = new ArrayList<>();
        pos += delimiter.length;
        while (true) {
            if (startsWith(body, pos, "--")) return parts; // closing delimiter
            if (!startsWith(body, pos, "\r\n")) throw malformed("a boundary line does not end with CRLF");
            pos += 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            if (headersEnd < 0 || headersEnd - pos > MAX_HEADER_BYTES) throw malformed("a part has no end of headers");
            String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
            int dataStart = headersEnd + 4;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int dataEnd = indexOf(body, next, dataStart);
            if (dataEnd < 0) throw malformed("a part is not closed by the boundary");
            if (parts.size() == MAX_PARTS) throw malformed("more than " + MAX_PARTS + " parts");
            parts.add(part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
            pos = dataEnd + next.length;
        }
    }

    public static Optional<Part> find(List<Part> parts, String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static Part part(String headers, byte[] data) {
        String name = null;
        String filename = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (key.equals("content-disposition")) {
                name = param(value, "name");
                filename = param(value, "filename");
            } else if (key.equals("content-type")) {
                contentType = value;
            }
        }
        if (name == null) throw malformed("a part has no Content-Disposition name");
        return new Part(name, filename, contentType, data);
    }

    /** A parameter of a Content-Disposition value, quoted or not. */
    private static String param(String value, String key) {
        int i = 0;
        while (i < value.length()) {
            int semi = value.indexOf(';', i);
            if (semi < 0) return null;
            i = semi + 1;
            while (i < value.length() && value.charAt(i) == ' ') i++;
            int eq = value.indexOf('=', i);
            if (eq < 0) return null;
            String k = value.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            int start = eq + 1;
            String v;
            int end;
            if (start < value.length() && value.charAt(start) == '"') {
                StringBuilder sb = new StringBuilder();
                end = start + 1;
                while (end < value.length() && value.charAt(end) != '"') {
                    // Browsers send a name's backslashes as they are (and a quote as %22); only \" is an escape
                    // here, so that a name with a backslash reaches the name check and is refused.
                    if (value.charAt(end) == '\\' && end + 1 < value.length() && value.charAt(end + 1) == '"') end++;
                    sb.append(value.charAt(end++));
                }
                v = sb.toString();
                end++;
            } else {
                end = value.indexOf(';', start);
                if (end < 0) end = value.length();
                v = value.substring(start, end).strip();
            }
            if (k.equals(key)) return v;
            i = end;
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int pos, String s) {
        if (pos + s.length() > b.length) return false;
        for (int i = 0; i < s.length(); i++) {
            if (b[pos + i] != (byte) s.charAt(i)) return false;
        }
        return true;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static ApiException malformed(String what) {
        return ApiException.badRequest("invalid_request", "malformed multipart body: " + what);
    }
}
