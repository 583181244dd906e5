package dev.tessera.flux.nodes.internal.nodes;

import dev.tessera.flux.nodes.internal.FlowShiftPatch;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.sampling.FlowShift;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's ModelSamplingFlux: fixes a FLUX model's time shift to the one of an image of {@code width x height}
 * pixels, mu linear in its token count from {@code base_shift} at 256 tokens to {@code max_shift} at 4096. Without
 * it, KSampler derives the same mu from the latent it samples.
 */
@Component(service = NodeType.class)
public final class ModelSamplingFluxNode implements NodeType {

    static final int MAX_RESOLUTION = 16384;

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ModelSamplingFlux")
            .displayName("ModelSamplingFlux")
            .category("advanced/model")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.decimal("max_shift", 1.15, 0.0, 100.0, 0.01, 0.01))
            .input(InputSpec.decimal("base_shift", 0.5, 0.0, 100.0, 0.01, 0.01))
            .input(InputSpec.integer("width", 1024, 16, MAX_RESOLUTION, 8))
            .input(InputSpec.integer("height", 1024, 16, MAX_RESOLUTION, 8))
            .output("MODEL", ValueType.MODEL)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        double mu = mu(inputs.getFloat("max_shift"), inputs.getFloat("base_shift"), inputs.getInt("width"),
                inputs.getInt("height"));
        try {
            return NodeResult.of(model.withPatch(new FlowShiftPatch(FlowShift.flux(mu))));
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput("model", "ModelSamplingFlux takes a FLUX model: " + e.getMessage());
        }
    }

    /** ComfyUI's formula: tokens = width * height / (8 * 8 * 2 * 2), mu linear between (256, base) and (4096, max). */
    static double mu(double maxShift, double baseShift, long width, long height) {
        double slope = (maxShift - baseShift) / (4096 - 256);
        double intercept = baseShift - slope * 256;
        return (width * height / 256.0) * slope + intercept;
    }
}
