package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartTest {

    static byte[] body(String boundary, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a b.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue"
                + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void aBackslashInAFileNameIsKeptOnlyAQuoteIsEscaped() {
        byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"dir\\x \\\"q\\\".png\"\r\n\r\nX\r\n--b--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("dir\\x \"q\".png", Multipart.parse(body, "b").get(0).filename());
    }

    @Test
    void readsFilesAndFields() {
        // The file's bytes contain CRLF and dashes, which must not end the part early.
        byte[] file = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', '-', '-', 0, (byte) 0xFF};
        List<Multipart.Part> parts = Multipart.parse(body("XyZ", file), Multipart.boundary("multipart/form-data; boundary=\"XyZ\""));
        assertEquals(2, parts.size());
        assertEquals("image", parts.get(0).name());
        assertEquals("a b.png", parts.get(0).filename());
        assertEquals("image/png", parts.get(0).contentType());
        assertArrayEquals(file, parts.get(0).data());
        assertEquals("overwrite", parts.get(1).name());
        assertNull(parts.get(1).filename());
        assertEquals("true", parts.get(1).text());
    }

    @Test
    void refusesWhatIsNotMultipart() {
        assertEquals(400, assertThrows(ApiException.class, () -> Multipart.boundary("application/json")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> Multipart.boundary(null)).status());
        assertEquals(400, assertThrows(ApiException.class, () -> Multipart.boundary("multipart/form-data")).status());
        byte[] truncated = "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, assertThrows(ApiException.class, () -> Multipart.parse(truncated, "B")).status());
        byte[] noName = "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, assertThrows(ApiException.class, () -> Multipart.parse(noName, "B")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> Multipart.parse(new byte[10], "B")).status());
    }
}
