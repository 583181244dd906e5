package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * A patch that replaces parameters, e.g. a LoRA merged as {@code W + strength * scale * up @ down}. The handle
 * builds the patched model once per distinct list of patches over the untouched, shared base weights, and frees it
 * when no handle needs it.
 */
public interface WeightPatch extends ModelPatch {

    /**
     * The new values of the parameters this patch changes.
     *
     * @param current the parameters as the patches before this one left them; read only
     * @param target the manager the replacements must be attached to (its device is the compute device); the
     *     handle closes it when the patched model is dropped, so create the results on it
     * @return canonical name to replacement, each with the parameter's shape and {@link ParameterView#dataType()};
     *     names the view does not know are an error
     */
    Map<String, NDArray> apply(ParameterView current, NDManager target);
}
