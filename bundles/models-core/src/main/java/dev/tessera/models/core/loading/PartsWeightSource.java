package dev.tessera.models.core.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.WeightSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Canonical (diffusers) parameters read from safetensors files in another layout: renamed, cut out of fused
 * tensors, with their halves swapped or transposed, at load time, one tensor at a time. Shared by the loaders
 * of original single-file layouts (FLUX's fused qkv, OpenCLIP's fused in_proj).
 */
public final class PartsWeightSource implements WeightSource {

    private final Map<String, StoredPart> parts;

    public PartsWeightSource(Map<String, StoredPart> parts) {
        this.parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    public Map<String, StoredPart> parts() {
        return parts;
    }

    @Override
    public Set<String> names() {
        return parts.keySet();
    }

    @Override
    public Optional<Shape> shape(String name) {
        StoredPart part = parts.get(name);
        if (part == null || !part.file().contains(part.stored())) {
            return Optional.empty();
        }
        return Optional.of(new Shape(part.canonicalShape(part.file().info(part.stored()).shape())));
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        StoredPart part = parts.get(name);
        NDArray raw = part.file().load(part.stored(), manager);
        if (part.sliced()) {
            // A copy that owns its rows, so the fused tensor's storage is freed with raw.
            try (NDArray view = raw.get(new NDIndex(part.rowStart() + ":" + (part.rowStart() + part.rows())))) {
                NDArray own = view.duplicate();
                raw.close();
                return own;
            }
        }
        if (part.transposed()) {
            try (NDArray view = raw.transpose()) {
                NDArray own = view.duplicate();
                raw.close();
                return own;
            }
        }
        if (part.swapHalves()) {
            long half = raw.getShape().get(0) / 2;
            try (NDArray first = raw.get(new NDIndex("0:" + half));
                    NDArray second = raw.get(new NDIndex(half + ":"))) {
                NDArray swapped = second.concat(first, 0);
                raw.close();
                return swapped;
            }
        }
        return raw;
    }

    @Override
    public String describe(String name) {
        StoredPart part = parts.get(name);
        return part == null ? "no stored tensor maps to it" : part.describe(name);
    }
}
