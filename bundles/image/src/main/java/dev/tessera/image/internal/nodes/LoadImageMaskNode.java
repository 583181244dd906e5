package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import java.nio.FloatBuffer;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LoadImageMask: one channel of an image file from the input folder as MASK [1, H, W]: red, green or blue
 * as they are, alpha inverted ({@code 1 - alpha}, transparent pixels masked, as LoadImage's mask). A file without
 * alpha is opaque, so its alpha mask is all zeros (ComfyUI converts it to RGBA first).
 */
@Component(service = NodeType.class)
public final class LoadImageMaskNode implements NodeType {

    static final List<String> CHANNELS = List.of("alpha", "red", "green", "blue");

    private final TensorRuntime tensors;
    private final InputImageFile file;
    private final NodeDescriptor descriptor;

    @Activate
    public LoadImageMaskNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.tensors = tensors;
        this.file = new InputImageFile(folders);
        this.descriptor = NodeDescriptor.builder("LoadImageMask")
                .displayName("Load Image (as Mask)")
                .category("mask")
                .input(file.spec())
                .input(InputSpec.combo("channel", CHANNELS))
                .output("MASK", ValueType.MASK)
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return file.validate(widgetValues);
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return file.changeKey(widgetValues);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DecodedImage image = file.decode(inputs);
        int shift = switch (inputs.getString("channel")) {
            case "alpha" -> 24;
            case "red" -> 16;
            case "green" -> 8;
            default -> 0;
        };
        boolean invert = shift == 24;
        int[] argb = image.argb();
        float[] values = new float[argb.length];
        for (int i = 0; i < argb.length; i++) {
            // Same float32 arithmetic as numpy: c / 255, then 1 - that for alpha.
            float v = ((argb[i] >>> shift) & 0xFF) / 255f;
            values[i] = invert ? 1f - v : v;
        }
        NDManager owner = tensors.newManager("LoadImageMask " + context.nodeId());
        try {
            return NodeResult.of(MaskBatch.owning(owner, owner.create(FloatBuffer.wrap(values),
                    new Shape(1, image.height(), image.width()))));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
