package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.Vae;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's VAEEncode: an IMAGE batch to LATENT (the posterior mean). As in ComfyUI, an image whose sides are not
 * multiples of 8 is cropped to the largest multiple, keeping the centre ({@code vae_encode_crop_pixels}).
 */
@Component(service = NodeType.class)
public final class VAEEncodeNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("VAEEncode")
            .displayName("VAE Encode")
            .category("latent")
            .input(InputSpec.link("pixels", ValueType.IMAGE))
            .input(InputSpec.link("vae", ValueType.VAE))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public VAEEncodeNode(@Reference TensorRuntime tensors) {
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
        checkEncodable(pixels, vae);
        NDManager owner = tensors.newManager("VAEEncode " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager()) {
            NDArray cropped = cropToCells(pixels, vae, scratch);
            return NodeResult.of(Latent.owning(owner, vae.encode(cropped, owner), null, vae.latentFormat()));
        } catch (IllegalArgumentException e) {
            owner.close();
            throw NodeException.invalidInput("pixels", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /**
     * Refuses, naming {@code pixels}, an image smaller than one latent cell.
     *
     * @throws NodeException about {@code pixels}
     */
    static void checkEncodable(ImageBatch pixels, Vae vae) {
        int d = vae.latentFormat().downscale();
        if (pixels.height() < d || pixels.width() < d) {
            throw NodeException.invalidInput("pixels", "the image is " + pixels.width() + "x" + pixels.height()
                    + ", smaller than one latent cell (" + d + "x" + d + " pixels)");
        }
    }

    /** The pixels cropped to whole latent cells as ComfyUI's {@code vae_encode_crop_pixels}, keeping the centre. */
    static NDArray cropToCells(ImageBatch pixels, Vae vae, NDManager scratch) {
        int d = vae.latentFormat().downscale();
        return crop(pixels.pixels(), pixels.height() / d * d, pixels.width() / d * d, scratch);
    }

    /** The {@code height x width} window of {@code [B, H, W, C]} at ComfyUI's offsets {@code (H % 8) // 2}. */
    static NDArray crop(NDArray pixels, long height, long width, NDManager scratch) {
        long y = (pixels.getShape().get(1) - height) / 2;
        long x = (pixels.getShape().get(2) - width) / 2;
        NDArray window = pixels.get(new NDIndex(":, {}:{}, {}:{}, :", y, y + height, x, x + width));
        window.attach(scratch);
        return window;
    }
}
