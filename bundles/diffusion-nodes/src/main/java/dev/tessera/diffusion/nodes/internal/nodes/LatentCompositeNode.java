package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.LatentMath;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
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

/** ComfyUI's LatentComposite ("Latent Composite"): samples_from pasted into samples_to at pixel (x, y) (in cells of 8 pixels, rounded down), cut at the edge, faded in over {@code feather} pixels on the sides inside samples_to; samples_to's noise mask and family go along. */
@Component(service = NodeType.class)
public final class LatentCompositeNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("LatentComposite")
            .displayName("Latent Composite")
            .category("latent")
            .input(InputSpec.link("samples_to", ValueType.LATENT))
            .input(InputSpec.link("samples_from", ValueType.LATENT))
            .input(InputSpec.integer("x", 0, 0, EmptyLatents.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("y", 0, 0, EmptyLatents.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("feather", 0, 0, EmptyLatents.MAX_RESOLUTION, 8))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public LatentCompositeNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent to = inputs.get("samples_to", Latent.class);
        Latent from = inputs.get("samples_from", Latent.class);
        LatentChecks.sameKind("samples_from", from, "samples_to", to);
        if (from.batchSize() != 1 && from.batchSize() != to.batchSize()) {
            // ComfyUI writes samples_from into samples_to's batch: it cannot grow it.
            throw NodeException.invalidInput("samples_from", "a batch of " + from.batchSize()
                    + " does not fit samples_to's batch of " + to.batchSize() + "; give one entry or as many");
        }
        int x = (int) (inputs.getInt("x") / 8);
        int y = (int) (inputs.getInt("y") / 8);
        int feather = (int) (inputs.getInt("feather") / 8);
        return LatentNodes.produce(tensors, context, "LatentComposite", scratch -> new LatentNodes.Parts(
                LatentMath.composite(to.samples(), from.samples(), x, y, feather, scratch),
                to.noiseMask().map(m -> ImageResizer.borrow(m, scratch).duplicate()).orElse(null),
                to.format().or(from::format).orElse(null), to.batchIndex().orElse(null)));
    }
}
