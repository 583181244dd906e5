package dev.tessera.models.dit.loading;

import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.Map;

/**
 * Records where canonical parameters are stored in a file of another layout, stored names under {@code prefix}:
 * whole tensors, linear layers (weight and bias), rows of fused tensors, halves swapped.
 */
record StoredNames(Map<String, StoredPart> parts, SafetensorsFile file, String prefix) {

    void whole(String canonical, String stored) {
        parts.put(canonical, StoredPart.whole(file, prefix + stored));
    }

    void linear(String canonical, String stored) {
        whole(canonical + ".weight", stored + ".weight");
        whole(canonical + ".bias", stored + ".bias");
    }

    void rows(String canonical, String stored, long start, long rows, long fused) {
        for (String suffix : new String[] {".weight", ".bias"}) {
            parts.put(canonical + suffix, StoredPart.rows(file, prefix + stored + suffix, start, rows, fused));
        }
    }

    /** A linear layer whose two halves of rows are stored in the other order ((shift, scale) for (scale, shift)). */
    void swapped(String canonical, String stored) {
        for (String suffix : new String[] {".weight", ".bias"}) {
            parts.put(canonical + suffix, StoredPart.swapped(file, prefix + stored + suffix));
        }
    }
}
