package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ConditioningCopy;
import dev.tessera.sd.nodes.internal.ConditioningMask;
import dev.tessera.image.MaskBatch;
import dev.tessera.graph.api.NodeException;
import java.util.List;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ConditioningSetMask: the conditioning applies where the mask is, weighted by its values times
 * {@code strength} (ComfyUI's mask-based regional prompt); {@code set_cond_area = "mask bounds"} runs the entry on
 * the mask's bounding box only. The sampler resizes the mask to the latent.
 */
@Component(service = NodeType.class)
public final class ConditioningSetMaskNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningSetMask")
            .displayName("Conditioning (Set Mask)")
            .category("conditioning")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .input(InputSpec.link("mask", ValueType.MASK))
            .input(InputSpec.decimal("strength", 1.0, 0.0, 10.0, 0.01, 0.01))
            .input(InputSpec.combo("set_cond_area", List.of("default", "mask bounds")))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningSetMaskNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        MaskBatch mask = inputs.get("mask", MaskBatch.class);
        long masks = mask.values().getShape().get(0);
        if (masks != 1) {
            // ComfyUI would take one mask per latent; Tessera's area path weighs one canvas for the whole batch.
            throw NodeException.invalidInput("mask", masks + " masks; ConditioningSetMask takes one mask here");
        }
        boolean toBounds = !"default".equals(inputs.getString("set_cond_area"));
        double strength = inputs.getFloat("strength");
        return ConditioningNodes.owned(tensors, "ConditioningSetMask", context, owner ->
                ConditioningCopy.of(inputs.get("conditioning", Conditioning.class), owner,
                extras -> {
                    extras.put(ConditioningMask.KEY, ConditioningCopy.copy(mask.values(), owner));
                    extras.put(ConditioningMask.TO_BOUNDS, toBounds);
                    extras.put(ConditioningMask.STRENGTH, strength);
                    return extras;
                }));
    }
}
