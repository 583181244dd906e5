package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.MaskBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's SetLatentNoiseMask: the latent with a mask that limits sampling to where it is 1 (inpainting; KSampler
 * keeps the latent where it is 0). The mask may have any resolution; the sampler resizes it to the latent's cells.
 */
@Component(service = NodeType.class)
public final class SetLatentNoiseMaskNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SetLatentNoiseMask")
            .displayName("Set Latent Noise Mask")
            .category("latent/inpaint")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.link("mask", ValueType.MASK))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public SetLatentNoiseMaskNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent latent = inputs.get("samples", Latent.class);
        MaskBatch mask = inputs.get("mask", MaskBatch.class);
        long masks = mask.values().getShape().get(0);
        if (masks != 1 && masks != latent.batchSize()) {
            throw NodeException.invalidInput("mask", masks + " masks for a latent batch of " + latent.batchSize()
                    + "; give one mask, or one per latent");
        }
        NDManager owner = tensors.newManager("SetLatentNoiseMask " + context.nodeId());
        try {
            NDArray samples = latent.samples().duplicate();
            // duplicate(), not toDevice(..., true): DJL's "copy" is torch's to(), which aliases when nothing changes,
            // and a mask made from Java data (LoadImageMask) lives in a buffer freed with its array.
            NDArray values = mask.values().toDevice(samples.getDevice(), false).toType(
                    ai.djl.ndarray.types.DataType.FLOAT32, false).duplicate();
            return NodeResult.of(Latent.owning(owner, samples, values, latent.format().orElse(null),
                    latent.batchIndex().orElse(null)));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
