package dev.tessera.conformance.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds case files for small test packs from the project pack's cases, with other numbers or metadata. */
final class TestPacks {

    private TestPacks() {}

    /** The project's copy of the reference pack (set by the surefire config). */
    static Path pack() {
        String dir = System.getProperty("tessera.conformance.dir");
        if (dir == null) {
            throw new AssertionError("system property tessera.conformance.dir is not set (the surefire config sets it)");
        }
        return Path.of(dir);
    }

    static Map<String, String> metadataOf(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            return new HashMap<>(st.metadata());
        }
    }

    /** A copy of {@code source} with one metadata entry replaced. */
    static void withMetadata(NDManager manager, Path source, Path target, String key, String value) {
        Map<String, String> metadata = metadataOf(source);
        metadata.put(key, value);
        copyWith(manager, source, target, metadata, Map.of());
    }

    /** A copy of {@code source} with {@code tensor} multiplied by {@code factor}. */
    static void rewrite(NDManager manager, Path source, Path target, String tensor, float factor) {
        copyWith(manager, source, target, metadataOf(source), Map.of(tensor, factor));
    }

    /** Copies every tensor, scaling those in {@code scale} by their factor and dropping those scaled by 0. */
    static void copyWith(NDManager manager, Path source, Path target, Map<String, String> metadata,
            Map<String, Float> scale) {
        try (SafetensorsFile st = SafetensorsFile.open(source); NDManager m = manager.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : st.names()) {
                NDArray t = st.load(name, m);
                Float f = scale.get(name);
                if (f == null) {
                    tensors.put(name, t);
                } else if (f != 0f) {
                    tensors.put(name, t.mul(f));
                }
            }
            SafetensorsWriter.write(target, tensors, metadata);
        }
    }
}
