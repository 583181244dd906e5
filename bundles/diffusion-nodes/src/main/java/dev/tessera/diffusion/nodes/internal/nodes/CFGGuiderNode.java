package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's CFGGuider: the model with classifier-free guidance of {@code cfg} over positive and negative. */
@Component(service = NodeType.class)
public final class CFGGuiderNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("CFGGuider")
            .displayName("CFG Guider")
            .category("sampling/guiders")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.link("positive", ValueType.CONDITIONING))
            .input(InputSpec.link("negative", ValueType.CONDITIONING))
            .input(SamplerNodes.cfg())
            .output("GUIDER", SamplerNodes.GUIDER)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return SamplerNodes.validate(widgetValues);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        double cfg = SamplerNodes.finiteCfg(inputs.getFloat("cfg"));
        return NodeResult.of(new CustomSampling.Guider(inputs.get("model", DiffusionModel.class),
                inputs.get("positive", Conditioning.class), inputs.get("negative", Conditioning.class), cfg));
    }
}

