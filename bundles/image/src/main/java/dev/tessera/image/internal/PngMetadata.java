package dev.tessera.image.internal;

import dev.tessera.image.PngText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The text chunks SaveImage embeds, as ComfyUI: {@code prompt} = the API workflow, then one chunk per
 * {@code extra_pnginfo} key (the editor puts its workflow under {@code workflow}).
 */
public final class PngMetadata {

    private PngMetadata() {}

    /**
     * @throws IllegalArgumentException naming the key when an extra_pnginfo key cannot be a PNG keyword
     */
    public static Map<String, String> of(Optional<String> workflowJson, Map<String, String> extraPngInfo) {
        Map<String, String> text = new LinkedHashMap<>();
        workflowJson.ifPresent(json -> text.put("prompt", asciiJson(json)));
        for (Map.Entry<String, String> e : extraPngInfo.entrySet()) {
            if (!PngText.isValidKeyword(e.getKey())) {
                throw new IllegalArgumentException("extra_pnginfo key '" + e.getKey()
                        + "' cannot name a PNG text chunk (1-79 Latin-1 characters without edge spaces)");
            }
            text.put(e.getKey(), asciiJson(e.getValue()));
        }
        return text;
    }

    /**
     * JSON text with every non-ASCII character written as a {@code \}{@code uXXXX} escape, as Python's
     * {@code json.dumps} does by default. Equivalent JSON (such characters can only occur inside strings), and it
     * fits a Latin-1 {@code tEXt} chunk as ComfyUI's files do.
     */
    static String asciiJson(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(json.length() + 16).append(json, 0, i);
            out.append(String.format("\\u%04x", (int) c));
        }
        return out == null ? json : out.toString();
    }
}
