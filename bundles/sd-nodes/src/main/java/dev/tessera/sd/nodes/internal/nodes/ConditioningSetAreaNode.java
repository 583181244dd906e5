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
import dev.tessera.sd.nodes.internal.ConditioningArea;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ConditioningSetArea: the conditioning applies to a rectangle of the image (pixels, divided by 8 into
 * latent cells) with a strength; combined with others by ConditioningCombine it is ComfyUI's regional prompting,
 * the baseline MIGLoRA and ContextGen improve on.
 */
@Component(service = NodeType.class)
public final class ConditioningSetAreaNode implements NodeType {

    /** ComfyUI's {@code nodes.MAX_RESOLUTION}, the widgets' upper bound (as the latent nodes'). */
    private static final int MAX_RESOLUTION = 16384;
    /** Pixels per latent cell: the area is given in pixels and applied in latent cells. */
    private static final int DOWNSCALE = 8;

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningSetArea")
            .displayName("Conditioning (Set Area)")
            .category("conditioning")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .input(InputSpec.integer("width", 64, 64, MAX_RESOLUTION, 8))
            .input(InputSpec.integer("height", 64, 64, MAX_RESOLUTION, 8))
            .input(InputSpec.integer("x", 0, 0, MAX_RESOLUTION, 8))
            .input(InputSpec.integer("y", 0, 0, MAX_RESOLUTION, 8))
            .input(InputSpec.decimal("strength", 1.0, 0.0, 10.0, 0.01, 0.01))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningSetAreaNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        int d = DOWNSCALE;
        ConditioningArea area = new ConditioningArea((int) inputs.getInt("height") / d,
                (int) inputs.getInt("width") / d, (int) inputs.getInt("y") / d, (int) inputs.getInt("x") / d);
        double strength = inputs.getFloat("strength");
        return ConditioningNodes.owned(tensors, "ConditioningSetArea", context, owner ->
                ConditioningCopy.of(inputs.get("conditioning", Conditioning.class), owner,
                extras -> {
                    extras.put(ConditioningArea.KEY, area.toExtra());
                    extras.put(Conditioning.STRENGTH, strength);
                    return extras;
                }));
    }
}
