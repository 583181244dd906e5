package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.LatentMath;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageResizer;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's RepeatLatentBatch ("Repeat Latent Batch"): the whole batch {@code amount} times in a row; a noise mask per entry is repeated with it, a single one stays shared; a batch_index is extended as ComfyUI's (copies shifted past the largest). */
@Component(service = NodeType.class)
public final class RepeatLatentBatchNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("RepeatLatentBatch")
            .displayName("Repeat Latent Batch")
            .category("latent/batch")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.integer("amount", 1, 1, 64, 1))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public RepeatLatentBatchNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent latent = inputs.get("samples", Latent.class);
        int amount = (int) inputs.getInt("amount");
        return LatentNodes.produce(tensors, context, "RepeatLatentBatch", scratch -> new LatentNodes.Parts(
                LatentMath.repeatBatch(latent.samples(), amount, scratch),
                latent.noiseMask().map(m -> m.getShape().get(0) > 1 ? LatentMath.repeatBatch(m, amount, scratch)
                        : ImageResizer.borrow(m, scratch).duplicate()).orElse(null),
                latent.format().orElse(null),
                LatentMath.repeatBatchIndex(latent.batchIndex().orElse(null), amount)));
    }
}
