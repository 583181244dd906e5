package dev.tessera.lora;

import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One low-rank pair of a LoRA file: the module key as the file spells it (without the up/down/alpha suffix), the
 * stored names of its factors and their shapes. {@code up} is [out, rank] or [out, rank, 1, 1]; {@code down} is
 * [rank, in] or, for a convolution (LoCon), [rank, in, kh, kw]. The delta is {@code scale * up.flatten(1) @
 * down.flatten(1)} with {@code scale = alpha / rank}, or 1 when the file stores no alpha (diffusers/PEFT).
 *
 * @param key         the module key, e.g. {@code lora_unet_down_blocks_0_resnets_0_conv1} or {@code
 *                    unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q}
 * @param upTensor    stored name of the up factor (lora_up, lora_B, ...)
 * @param downTensor  stored name of the down factor (lora_down, lora_A, ...)
 * @param alphaTensor stored name of the alpha scalar, if the file has one
 * @param alpha       its value, if present
 */
public record LoraModule(String key, String upTensor, String downTensor, Optional<String> alphaTensor,
        Shape upShape, Shape downShape, OptionalDouble alpha) {

    /** Rows of {@code down}: the rank of the pair. */
    public long rank() {
        return downShape.get(0);
    }

    /** Rows of {@code up}: the output features the delta has. */
    public long outRows() {
        return upShape.get(0);
    }

    /** {@code alpha / rank}, or 1 without alpha. */
    public double scale() {
        return alpha.isPresent() ? alpha.getAsDouble() / rank() : 1.0;
    }

    /** The dimensions after the first of {@code down}: the input features (and kernel of a conv LoRA). */
    public Shape inShape() {
        return downShape.slice(1);
    }
}
