package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The empty-latent nodes, which differ only in their descriptor, channels and size rule: image sizes checked before anything runs (ComfyUI floors sizes that are not a
 * multiple silently; here they are an error naming the nearest valid sizes), and zeros
 * {@code [batch_size, channels, height / 8, width / 8]} without a latent family (the sampling model's applies).
 */
abstract class EmptyLatents implements NodeType {

    /** ComfyUI's MAX_RESOLUTION. */
    static final int MAX_RESOLUTION = 16384;
    /** Pixels per latent cell of the SD and FLUX VAEs. */
    static final int DOWNSCALE = 8;

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;
    private final int channels;
    private final int multiple;
    private final String why;

    /**
     * @param multiple what width and height must be a multiple of
     * @param why the reason, for the message
     */
    EmptyLatents(TensorRuntime tensors, NodeDescriptor descriptor, int channels, int multiple, String why) {
        this.tensors = tensors;
        this.descriptor = descriptor;
        this.channels = channels;
        this.multiple = multiple;
        this.why = why;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
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
        NDManager owner = tensors.newManager(descriptor.typeId() + " " + context.nodeId());
        try {
            return NodeResult.of(Latent.owning(owner, owner.zeros(
                    new Shape(batch, channels, height / DOWNSCALE, width / DOWNSCALE), DataType.FLOAT32), null, null));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** Why {@code value} is no image size here, if it is not. */
    Optional<String> sizeProblem(String side, long value) {
        if (value < 16 || value > MAX_RESOLUTION) {
            return Optional.of(side + " " + value + " is outside 16.." + MAX_RESOLUTION);
        }
        if (value % multiple == 0) {
            return Optional.empty();
        }
        long below = value / multiple * multiple;
        return Optional.of(side + " " + value + " is not a multiple of " + multiple + " (" + why + "); use "
                + Math.max(16, below) + " or " + (below + multiple));
    }
}
