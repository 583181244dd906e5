package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's EmptySD3LatentImage, the empty latent FLUX and SD3 graphs start from: zeros
 * {@code [batch_size, 16, height / 8, width / 8]}. Sizes must be multiples of 16 (FLUX packs 2x2 latent cells into
 * one token); ComfyUI floors other sizes silently, here they are an error naming the nearest valid sizes.
 */
@Component(service = NodeType.class)
public final class EmptySD3LatentImageNode implements NodeType {

    static final int MAX_RESOLUTION = 16384;
    static final int MULTIPLE = 16;

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("EmptySD3LatentImage")
            .displayName("EmptySD3LatentImage")
            .category("latent/sd3")
            .description("An empty 16-channel latent for FLUX and SD3 models.")
            .input(InputSpec.integer("width", 1024, 16, MAX_RESOLUTION, MULTIPLE))
            .input(InputSpec.integer("height", 1024, 16, MAX_RESOLUTION, MULTIPLE))
            .input(InputSpec.integer("batch_size", 1, 1, 4096, 1))
            .output(new OutputSpec("LATENT", ValueType.LATENT, false, "The empty latent image batch."))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public EmptySD3LatentImageNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        for (String side : List.of("width", "height")) {
            if (widgetValues.has(side)) {
                sizeProblem(side, widgetValues.getInt(side)).ifPresent(m -> problems.add(InputProblem.of(side, m)));
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        long width = inputs.getInt("width");
        long height = inputs.getInt("height");
        for (String side : List.of("width", "height")) {
            Optional<String> problem = sizeProblem(side, side.equals("width") ? width : height);
            if (problem.isPresent()) {
                throw NodeException.invalidInput(side, problem.get());
            }
        }
        long batch = inputs.getInt("batch_size");
        int downscale = LatentFormat.FLUX.downscale();
        NDManager owner = tensors.newManager("EmptySD3LatentImage " + context.nodeId());
        try {
            // No latent family: SD3 and FLUX latents share the shape and differ only in the model's scaling.
            return NodeResult.of(Latent.owning(owner, owner.zeros(new Shape(batch, LatentFormat.FLUX.channels(),
                    height / downscale, width / downscale), DataType.FLOAT32), null, null));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** Why {@code value} is no image size here, if it is not. */
    static Optional<String> sizeProblem(String side, long value) {
        if (value < 16 || value > MAX_RESOLUTION) {
            return Optional.of(side + " " + value + " is outside 16.." + MAX_RESOLUTION);
        }
        if (value % MULTIPLE == 0) {
            return Optional.empty();
        }
        long below = value / MULTIPLE * MULTIPLE;
        return Optional.of(side + " " + value + " is not a multiple of " + MULTIPLE + " (8 pixels per latent cell,"
                + " 2x2 cells per FLUX token); use " + Math.max(16, below) + " or " + (below + MULTIPLE));
    }
}
