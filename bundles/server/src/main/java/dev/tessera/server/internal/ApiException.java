package dev.tessera.server.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server refuses, with the HTTP status and the JSON body to answer. Bodies have ComfyUI's error shape
 * {@code {error: {type, message, details, extra_info}, node_errors: {...}}} so clients read every error alike.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, Object> body;

    public ApiException(int status, Map<String, Object> body, String message) {
        super(message);
        this.status = status;
        this.body = body;
    }

    /** An error without node errors: {@code type} is a short code, {@code message} a sentence naming the input. */
    public static ApiException of(int status, String type, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("message", message);
        error.put("details", "");
        error.put("extra_info", Map.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("node_errors", Map.of());
        return new ApiException(status, body, message);
    }

    public static ApiException badRequest(String type, String message) {
        return of(400, type, message);
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }
}
