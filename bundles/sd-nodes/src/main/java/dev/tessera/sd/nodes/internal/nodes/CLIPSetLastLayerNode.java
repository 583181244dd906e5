package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputFailures;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.TextEncoder;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's CLIPSetLastLayer ("CLIP skip"): a CLIP handle that conditions on the output of an earlier layer, -1 the
 * last. Unlike ComfyUI, which silently falls back to the last layer, a layer the encoder does not have is an error.
 */
@Component(service = NodeType.class)
public final class CLIPSetLastLayerNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("CLIPSetLastLayer")
            .displayName("CLIP Set Last Layer")
            .category("conditioning")
            .input(InputSpec.link("clip", ValueType.CLIP))
            .input(InputSpec.integer("stop_at_clip_layer", -1, -24, -1, 1))
            .output("CLIP", ValueType.CLIP)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        TextEncoder clip = inputs.get("clip", TextEncoder.class);
        try {
            return NodeResult.of(clip.withLastLayer((int) inputs.getInt("stop_at_clip_layer")));
        } catch (IllegalArgumentException e) {
            throw InputFailures.invalid(e, List.of(), "stop_at_clip_layer");
        }
    }
}
