package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.sampling.comfy.ComfySigmas;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's BetaSamplingScheduler: the model's sigmas at the beta({@code alpha}, {@code beta}) quantiles of the steps
 * (BasicScheduler's {@code beta} is alpha = beta = 0.6), resolved against the latent as BasicScheduler's.
 */
@Component(service = NodeType.class)
public final class BetaSamplingSchedulerNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("BetaSamplingScheduler")
            .displayName("BetaSamplingScheduler")
            .category("sampling/schedulers")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(SamplerNodes.steps())
            .input(InputSpec.decimal("alpha", 0.6, 0.0, 50.0, 0.01, 0.0))
            .input(InputSpec.decimal("beta", 0.6, 0.0, 50.0, 0.01, 0.0))
            .output("SIGMAS", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        int steps = SigmaRanges.steps(inputs);
        double alpha = shape(inputs, "alpha");
        double beta = shape(inputs, "beta");
        return NodeResult.of((CustomSampling.Sigmas) (guided, latent) ->
                model.prediction() == dev.tessera.sampling.Prediction.FLOW
                        ? ComfySigmas.beta(model.flowShift(latent.get(latent.dimension() - 2),
                                latent.get(latent.dimension() - 1)), steps, alpha, beta)
                        : ComfySigmas.beta(model.noiseSchedule(), steps, alpha, beta));
    }

    private static double shape(NodeInputs inputs, String name) {
        double value = inputs.getFloat(name);
        if (!(value > 0) || !Double.isFinite(value)) {
            throw NodeException.invalidInput(name, name + " is " + value
                    + "; expected a finite shape parameter of the beta distribution above 0");
        }
        return value;
    }
}
