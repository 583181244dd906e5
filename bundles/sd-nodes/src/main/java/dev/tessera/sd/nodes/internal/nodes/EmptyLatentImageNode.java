package dev.tessera.sd.nodes.internal.nodes;

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
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's EmptyLatentImage: zeros {@code [batch_size, 4, height / 8, width / 8]}. ComfyUI floors sizes that are
 * not multiples of 8 without a word; here they are an error before anything runs, naming the nearest valid sizes.
 */
@Component(service = NodeType.class)
public final class EmptyLatentImageNode implements NodeType {

    /** ComfyUI's MAX_RESOLUTION. */
    static final int MAX_RESOLUTION = 16384;
    /** SD latents: 4 channels, 8 pixels per latent cell. */
    static final int CHANNELS = 4;
    static final int DOWNSCALE = 8;

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("EmptyLatentImage")
            .displayName("Empty Latent Image")
            .category("latent")
            .description("Create a new batch of empty latent images to be denoised via sampling.")
            .input(InputSpec.integer("width", 512, 16, MAX_RESOLUTION, 8)
                    .withTooltip("The width of the latent images in pixels."))
            .input(InputSpec.integer("height", 512, 16, MAX_RESOLUTION, 8)
                    .withTooltip("The height of the latent images in pixels."))
            .input(InputSpec.integer("batch_size", 1, 1, 4096, 1)
                    .withTooltip("The number of latent images in the batch."))
            .output(new OutputSpec("LATENT", ValueType.LATENT, false, "The empty latent image batch."))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public EmptyLatentImageNode(@Reference TensorRuntime tensors) {
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
        NDManager owner = tensors.newManager("EmptyLatentImage " + context.nodeId());
        try {
            return NodeResult.of(Latent.owning(owner, owner.zeros(
                    new Shape(batch, CHANNELS, height / DOWNSCALE, width / DOWNSCALE), DataType.FLOAT32), null, null));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** Why {@code value} is no image size here, if it is not. */
    static Optional<String> sizeProblem(String side, long value) {
        if (value % DOWNSCALE == 0 && value >= 16 && value <= MAX_RESOLUTION) {
            return Optional.empty();
        }
        if (value < 16 || value > MAX_RESOLUTION) {
            return Optional.of(side + " " + value + " is outside 16.." + MAX_RESOLUTION);
        }
        long below = value / DOWNSCALE * DOWNSCALE;
        return Optional.of(side + " " + value + " is not a multiple of " + DOWNSCALE + " (the VAE maps 8x8 pixels to"
                + " one latent cell); use " + Math.max(16, below) + " or " + (below + DOWNSCALE));
    }
}
