package dev.tessera.server.internal;

import java.util.Objects;

/** One WebSocket message to a client. */
public sealed interface Frame {

    /** A JSON message {@code {type, data}}. */
    record Text(String json) implements Frame {
        public Text {
            Objects.requireNonNull(json, "json");
        }
    }

    /**
     * A binary message: ComfyUI's 4-byte big-endian event id, then the payload (a preview image: a 4-byte image type,
     * 1 JPEG or 2 PNG, then the encoded image).
     */
    record Binary(byte[] bytes) implements Frame {
        public Binary {
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
