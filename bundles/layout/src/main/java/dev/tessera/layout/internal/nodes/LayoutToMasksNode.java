package dev.tessera.layout.internal.nodes;

import static dev.tessera.layout.internal.nodes.LayoutNodes.HEIGHT;
import static dev.tessera.layout.internal.nodes.LayoutNodes.LAYOUT;
import static dev.tessera.layout.internal.nodes.LayoutNodes.WIDTH;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.MaskBatch;
import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.Layout;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A layout's box masks as MIGLoRA builds them: one per instance (the global caption first when asked), 1 inside
 * the box, at pixel resolution and bilinearly downsampled to the latent (1/8), see {@link BoxMasks}.
 */
@Component(service = NodeType.class)
public final class LayoutToMasksNode implements NodeType {

    static final String INCLUDE_GLOBAL = "include_global";
    /** The SD and FLUX VAEs' downsampling factor. */
    static final int LATENT_FACTOR = 8;
    /** ComfyUI's MASK is float32; consumers convert to their compute dtype. */
    static final DataType MASK_TYPE = DataType.FLOAT32;

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("LayoutToMasks")
            .displayName("Layout to Masks")
            .category(LayoutNodes.CATEGORY)
            .description("One binary mask per instance, 1 inside its box, at pixel and at latent (1/8) resolution.")
            .input(InputSpec.link(LAYOUT, ValueType.LAYOUT))
            .input(LayoutNodes.sideOrHint(WIDTH))
            .input(LayoutNodes.sideOrHint(HEIGHT))
            .input(InputSpec.bool(INCLUDE_GLOBAL, false).withTooltip(
                    "Put the global caption's whole-canvas mask first, as the released MIGLoRA code feeds it."))
            .output("MASK", ValueType.MASK)
            .output("LATENT_MASK", ValueType.MASK)
            .build();

    @Activate
    public LayoutToMasksNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        for (String side : List.of(WIDTH, HEIGHT)) {
            if (widgetValues.has(side) && widgetValues.getInt(side) % LATENT_FACTOR != 0) {
                problems.add(InputProblem.of(side, notMultiple(widgetValues.getInt(side), "")));
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Layout layout = inputs.get(LAYOUT, Layout.class);
        int[] canvas = LayoutNodes.canvas(inputs, layout);
        checkMultiple(WIDTH, inputs.getInt(WIDTH), canvas[0]);
        checkMultiple(HEIGHT, inputs.getInt(HEIGHT), canvas[1]);
        boolean global = inputs.getBoolean(INCLUDE_GLOBAL);
        NDManager pixelOwner = tensors.newManager("LayoutToMasks " + context.nodeId() + " MASK");
        NDManager latentOwner = tensors.newManager("LayoutToMasks " + context.nodeId() + " LATENT_MASK");
        try {
            MaskBatch pixel = MaskBatch.owning(pixelOwner,
                    BoxMasks.pixelMasks(pixelOwner, layout, canvas[0], canvas[1], global, MASK_TYPE));
            MaskBatch latent = MaskBatch.owning(latentOwner, BoxMasks.latentMasks(latentOwner, layout, canvas[0],
                    canvas[1], LATENT_FACTOR, global, MASK_TYPE));
            return NodeResult.of(pixel, latent);
        } catch (InvalidLayoutException e) {
            pixelOwner.close();
            latentOwner.close();
            throw LayoutNodes.invalid(LAYOUT, e);
        } catch (RuntimeException e) {
            pixelOwner.close();
            latentOwner.close();
            throw e;
        }
    }

    /** The resolved side must divide by 8; when it came from the layout's hint, say so. */
    private static void checkMultiple(String input, long requested, int resolved) {
        if (resolved % LATENT_FACTOR == 0) return;
        throw NodeException.invalidInput(input, notMultiple(resolved, requested == 0 ? " (the layout's " + input
                + ", since " + input + " is 0)" : ""));
    }

    private static String notMultiple(long value, String origin) {
        return "is " + value + origin + "; expected a multiple of " + LATENT_FACTOR
                + " so the latent masks are a whole size";
    }
}
