package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.diffusion.nodes.internal.LatentMath;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.ResizeMethod;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;

/**
 * What LatentUpscale and LatentUpscaleBy share: ComfyUI's {@code common_upscale} on a latent {@code [B, C, h, w]}
 * (the image resizer over its cells, channels last), keeping its noise mask and family.
 */
final class LatentResize {

    /** ComfyUI's latent methods, without {@code bislerp} (not implemented here). */
    static final List<String> METHODS = List.of(ResizeMethod.NEAREST_EXACT.comfyName(),
            ResizeMethod.BILINEAR.comfyName(), ResizeMethod.AREA.comfyName(), ResizeMethod.BICUBIC.comfyName());

    private LatentResize() {}

    /** {@code latent} resized to {@code width x height} cells, as a new LATENT owned by a manager of its own. */
    static NodeResult resized(TensorRuntime tensors, ExecutionContext context, String typeName, Latent latent,
            String method, CropMode crop, long width, long height) {
        ResizeMethod resize = ResizeMethod.byComfyName(method).filter(m -> METHODS.contains(m.comfyName()))
                .orElseThrow(() -> NodeException.invalidInput("upscale_method", "'" + method + "' is not one of "
                        + METHODS));
        if (width < 1 || height < 1) {
            throw NodeException.invalidInput("samples", "the latent would be " + width + "x" + height + " cells");
        }
        return LatentNodes.produce(tensors, context, typeName, scratch -> new LatentNodes.Parts(
                LatentMath.resizeCells(latent.samples(), (int) width, (int) height, resize, crop, scratch),
                latent.noiseMask().map(m -> ImageResizer.borrow(m, scratch).duplicate()).orElse(null),
                latent.format().orElse(null), latent.batchIndex().orElse(null)));
    }
}
