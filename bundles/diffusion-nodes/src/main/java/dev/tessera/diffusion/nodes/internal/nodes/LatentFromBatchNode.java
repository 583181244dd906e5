package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.LatentMath;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LatentFromBatch ("Latent From Batch"): {@code length} entries from {@code batch_index} (clamped to the
 * batch), with their noise masks, recording the entries' batch_index so a sampler gives them the noise they had in
 * the whole batch.
 */
@Component(service = NodeType.class)
public final class LatentFromBatchNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("LatentFromBatch")
            .displayName("Latent From Batch")
            .category("latent/batch")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.integer("batch_index", 0, 0, 63, 1))
            .input(InputSpec.integer("length", 1, 1, 64, 1))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public LatentFromBatchNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent latent = inputs.get("samples", Latent.class);
        int index = (int) inputs.getInt("batch_index");
        int length = (int) inputs.getInt("length");
        long batch = latent.batchSize();
        return LatentNodes.produce(tensors, context, "LatentFromBatch", scratch -> new LatentNodes.Parts(
                LatentMath.fromBatch(latent.samples(), batch, index, length, scratch),
                latent.noiseMask().map(m -> LatentMath.fromBatch(m, batch, index, length, scratch)).orElse(null),
                latent.format().orElse(null),
                LatentMath.fromBatchIndex(latent.batchIndex().orElse(null), batch, index, length)));
    }
}
