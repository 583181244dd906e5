package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.MaskBatch;
import dev.tessera.image.ResizeMethod;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.Vae;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's VAEEncodeForInpaint: the image with the masked pixels set to grey (0.5) encoded, and the mask, rounded
 * and grown by {@code grow_mask_by} pixels (a box filter, so the seam is sampled too), as the latent's noise mask.
 * Sizes are cropped to multiples of the VAE's cell as VAEEncode crops them.
 */
@Component(service = NodeType.class)
public final class VAEEncodeForInpaintNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("VAEEncodeForInpaint")
            .displayName("VAE Encode (for Inpainting)")
            .category("latent/inpaint")
            .input(InputSpec.link("pixels", ValueType.IMAGE))
            .input(InputSpec.link("vae", ValueType.VAE))
            .input(InputSpec.link("mask", ValueType.MASK))
            .input(InputSpec.integer("grow_mask_by", 6, 0, 64, 1))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public VAEEncodeForInpaintNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch pixels = inputs.get("pixels", ImageBatch.class);
        Vae vae = inputs.get("vae", Vae.class);
        MaskBatch mask = inputs.get("mask", MaskBatch.class);
        int grow = (int) inputs.getInt("grow_mask_by");
        int d = vae.latentFormat().downscale();
        long height = pixels.height() / d * d;
        long width = pixels.width() / d * d;
        if (height == 0 || width == 0) {
            throw NodeException.invalidInput("pixels", "the image is " + pixels.width() + "x" + pixels.height()
                    + ", smaller than one latent cell (" + d + "x" + d + " pixels)");
        }
        if (mask.batchSize() != 1 && mask.batchSize() != pixels.batchSize()) {
            throw NodeException.invalidInput("mask", mask.batchSize() + " masks for " + pixels.batchSize()
                    + " images; give one mask, or one per image");
        }
        NDManager owner = tensors.newManager("VAEEncodeForInpaint " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager()) {
            // The mask at the image's size, [Bm, H, W, 1], then the same crop as the pixels.
            NDArray values = mask.values().toType(DataType.FLOAT32, false).reshape(mask.batchSize(), mask.height(),
                    mask.width(), 1);
            values.attach(scratch); // a new handle (a view, or a cast copy): it goes with the scratch
            NDArray perPixel = ImageResizer.resize(values, pixels.width(), pixels.height(), ResizeMethod.BILINEAR,
                    CropMode.DISABLED, scratch);
            NDArray rounded = VAEEncodeNode.crop(perPixel, height, width, scratch).round();
            NDArray image = VAEEncodeNode.crop(pixels.pixels(), height, width, scratch);
            NDArray grey = image.sub(0.5f).mul(rounded.neg().add(1f)).add(0.5f);
            NDArray latent = vae.encode(grey, owner);
            NDArray noiseMask = grown(rounded.transpose(0, 3, 1, 2), grow, scratch).squeeze(1).round();
            noiseMask.attach(owner);
            return NodeResult.of(Latent.owning(owner, latent, noiseMask, vae.latentFormat()));
        } catch (IllegalArgumentException e) {
            owner.close();
            throw NodeException.invalidInput("pixels", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /**
     * ComfyUI's growth: a {@code grow x grow} box sum over the rounded mask {@code [B, 1, h, w]}, padded by
     * {@code ceil((grow - 1) / 2)}, clamped to [0, 1] and cut back to {@code h x w}.
     */
    static NDArray grown(NDArray mask, int grow, NDManager scratch) {
        if (grow == 0) {
            return mask;
        }
        Shape s = mask.getShape();
        int padding = grow / 2; // ceil((grow - 1) / 2)
        NDArray kernel = scratch.ones(new Shape(1, 1, grow, grow), mask.getDataType(), mask.getDevice());
        NDArray bias = scratch.zeros(new Shape(1), mask.getDataType(), mask.getDevice());
        NDArray summed = mask.getNDArrayInternal().convolution(mask, kernel, bias, new Shape(1, 1),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
        return summed.clip(0f, 1f).get(new ai.djl.ndarray.index.NDIndex(":, :, :{}, :{}", s.get(2), s.get(3)));
    }
}
