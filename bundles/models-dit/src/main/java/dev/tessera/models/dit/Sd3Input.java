package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One call of {@link Sd3Transformer2DModel}, with diffusers' argument names.
 *
 * @param hiddenStates latents [B, in_channels, H, W] (H and W multiples of the patch size)
 * @param encoderHiddenStates text tokens [B, T, joint_attention_dim] (CLIP-L + CLIP-G penultimate, padded, then
 *     T5-XXL)
 * @param pooledProjections pooled text vector [B, pooled_projection_dim] (CLIP-L and CLIP-G pooled)
 * @param timestep the model's timestep, sigma x 1000, [B] or one value
 */
public record Sd3Input(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray pooledProjections,
        NDArray timestep) {

    public Sd3Input {
        Objects.requireNonNull(hiddenStates, "hidden_states");
        Objects.requireNonNull(encoderHiddenStates, "encoder_hidden_states");
        Objects.requireNonNull(pooledProjections, "pooled_projections");
        Objects.requireNonNull(timestep, "timestep");
    }
}
