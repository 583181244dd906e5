package dev.tessera.server.internal;

import java.util.Optional;

/** The image types uploads may carry, recognised by their first bytes, and the extensions that go with them. */
public enum ImageFormat {
    PNG("image/png", "png"),
    JPEG("image/jpeg", "jpg", "jpeg"),
    GIF("image/gif", "gif"),
    WEBP("image/webp", "webp"),
    BMP("image/bmp", "bmp");

    private final String mediaType;
    private final String[] extensions;

    ImageFormat(String mediaType, String... extensions) {
        this.mediaType = mediaType;
        this.extensions = extensions;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format whose signature starts {@code bytes}. */
    public static Optional<ImageFormat> sniff(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return Optional.of(PNG);
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) return Optional.of(JPEG);
        if (startsWith(b, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 0, 'G', 'I', 'F', '8', '9', 'a')) return Optional.of(GIF);
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) return Optional.of(WEBP);
        if (startsWith(b, 0, 'B', 'M') && b.length >= 26) return Optional.of(BMP);
        return Optional.empty();
    }

    /** The format a file extension (lower case, no dot) names. */
    public static Optional<ImageFormat> forExtension(String ext) {
        for (ImageFormat f : values()) {
            for (String e : f.extensions) {
                if (e.equals(ext)) return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] b, int offset, int... sig) {
        if (b.length < offset + sig.length) return false;
        for (int i = 0; i < sig.length; i++) {
            if ((b[offset + i] & 0xFF) != sig[i]) return false;
        }
        return true;
    }
}
