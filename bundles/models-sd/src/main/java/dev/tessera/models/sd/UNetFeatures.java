package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What the UNet's encoder half produces: the skip connections in the order diffusers collects them (conv_in output
 * first, then each resnet/transformer output and each downsampler output) and the middle block's output. This is
 * where MIGLoRA-style fusion combines several instances before the decoder half runs once.
 */
public record UNetFeatures(List<NDArray> skips, NDArray middle) {

    public UNetFeatures {
        skips = List.copyOf(skips);
    }

    /** Closes every tensor, for callers that are done with the features. */
    public void close() {
        skips.forEach(NDArray::close);
        middle.close();
    }
}
