package dev.tessera.tokenizers.internal;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Creates DJL Hugging Face tokenizers so that they work inside OSGi as on the plain classpath.
 *
 * <p>DJL finds {@code native/lib/tokenizers.properties} and the Rust library through the thread context class
 * loader, extracts the library to its cache directory ({@code ~/.djl.ai/tokenizers}, or {@code DJL_CACHE_DIR}) and
 * loads it once, on the first tokenizer created. The bundle carrying the library is this class's bundle, so the
 * context class loader is set to this class's loader around creation. A failed first load is remembered by DJL for
 * the life of the class loader, which is why the loader is set every time rather than hoping a caller did.
 */
public final class NativeTokenizers {

    /**
     * No truncation and no padding: windows and padding are the callers' business (77-token CLIP windows), and
     * DJL's defaults would otherwise cut every text at 512 tokens.
     */
    private static final Map<String, String> OPTIONS =
            Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true");

    private NativeTokenizers() {}

    /** A tokenizer from the text of a {@code tokenizer.json}. */
    public static HuggingFaceTokenizer fromJson(String tokenizerJson) throws IOException {
        // DJL would otherwise report usage over the network on first use; this runtime never goes online.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(NativeTokenizers.class.getClassLoader());
        try (ByteArrayInputStream json =
                new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8))) {
            return HuggingFaceTokenizer.newInstance(json, OPTIONS);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
