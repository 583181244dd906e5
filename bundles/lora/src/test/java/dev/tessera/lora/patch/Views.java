package dev.tessera.lora.patch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model handle does with weight patches, over real base weights: each patch sees the parameters as the
 * patches before it left them, and the model is built over the base with all replacements substituted.
 */
public final class Views {

    private Views() {
    }

    /** The base weights with {@code patches} applied in order; replacements live on {@code manager}. */
    public static Weights patched(String component, Weights base, Map<String, Shape> shapes,
            List<WeightPatch> patches, NDManager manager) {
        Map<String, NDArray> replaced = new LinkedHashMap<>();
        for (WeightPatch patch : patches) {
            replaced.putAll(patch.apply(view(component, base, shapes, replaced), manager));
        }
        return new PatchedWeights(base, replaced);
    }

    /** A component's parameters: the base's, with {@code replaced} substituted. */
    public static ParameterView view(String component, Weights base, Map<String, Shape> shapes,
            Map<String, NDArray> replaced) {
        return PatchedModels.view(component, component, shapes, base::get, replaced, DataType.FLOAT32);
    }
}
