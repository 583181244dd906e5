package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One call of {@link FluxTransformer2DModel}, with diffusers' argument names.
 *
 * @param hiddenStates packed image tokens [B, N, in_channels]
 * @param encoderHiddenStates text tokens [B, T, joint_attention_dim] (T5)
 * @param pooledProjections pooled text vector [B, pooled_projection_dim] (CLIP-L)
 * @param timestep sigma in [0, 1], [B] or one value (the model multiplies by 1000)
 * @param imgIds position ids of the image tokens [N, axes] (or [1, N, axes]), (index, row, col) for FLUX
 * @param txtIds position ids of the text tokens [T, axes] (zeros for FLUX)
 * @param guidance embedded guidance scale, [B] or one value; required by models with a guidance embedder,
 *     ignored by others (schnell)
 */
public record FluxInput(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray pooledProjections,
        NDArray timestep, NDArray imgIds, NDArray txtIds, NDArray guidance) {

    public FluxInput {
        Objects.requireNonNull(hiddenStates, "hidden_states");
        Objects.requireNonNull(encoderHiddenStates, "encoder_hidden_states");
        Objects.requireNonNull(pooledProjections, "pooled_projections");
        Objects.requireNonNull(timestep, "timestep");
        Objects.requireNonNull(imgIds, "img_ids");
        Objects.requireNonNull(txtIds, "txt_ids");
    }
}
