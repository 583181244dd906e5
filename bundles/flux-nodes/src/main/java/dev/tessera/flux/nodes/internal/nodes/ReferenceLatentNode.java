package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.ConditioningCopy;
import dev.tessera.flux.nodes.internal.FluxDiffusionModel;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ReferenceLatent: appends a latent (VAE space, e.g. VAEEncode of the image to edit) to the
 * conditioning's {@value FluxDiffusionModel#REFERENCE_LATENTS}; a FLUX (Kontext) MODEL appends their tokens after the
 * noise tokens. Without a latent the conditioning passes through (copied).
 */
@Component(service = NodeType.class)
public final class ReferenceLatentNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ReferenceLatent")
            .displayName("ReferenceLatent")
            .category("advanced/conditioning/edit_models")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .input(InputSpec.link("latent", ValueType.LATENT).asOptional())
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ReferenceLatentNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Conditioning conditioning = inputs.get("conditioning", Conditioning.class);
        Latent latent = inputs.optional("latent", Latent.class).orElse(null);
        if (latent != null && latent.batchSize() != 1) {
            throw NodeException.invalidInput("latent", "a reference latent must be one image, got a batch of "
                    + latent.batchSize());
        }
        if (latent != null && latent.format().isPresent()
                && !latent.format().get().family().equals("flux")) {
            throw NodeException.invalidInput("latent", "a " + latent.format().get().family() + " latent; FLUX"
                    + " references come from a FLUX VAE (16 channels)");
        }
        NDManager owner = tensors.newManager("ReferenceLatent " + context.nodeId());
        try {
            return NodeResult.of(ConditioningCopy.of(conditioning, owner, extras -> {
                if (latent != null) {
                    List<Object> references = new ArrayList<>();
                    if (extras.get(FluxDiffusionModel.REFERENCE_LATENTS) instanceof List<?> earlier) {
                        references.addAll(earlier);
                    }
                    NDArray copy = ConditioningCopy.copy(latent.samples(), owner);
                    references.add(copy);
                    extras.put(FluxDiffusionModel.REFERENCE_LATENTS, List.copyOf(references));
                }
                return extras;
            }));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
