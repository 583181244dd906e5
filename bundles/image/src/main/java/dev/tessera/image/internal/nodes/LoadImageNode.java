package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LoadImage: an image file from the input folder as IMAGE, and its inverted alpha as MASK. LoadImageOutput
 * is the same node over the output folder.
 */
@Component(service = NodeType.class)
public class LoadImageNode implements NodeType {

    static final String IMAGE = InputImageFile.IMAGE;

    private final TensorRuntime tensors;
    private final InputImageFile file;
    private final NodeDescriptor descriptor;

    @Activate
    public LoadImageNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this(folders, tensors, false);
    }

    /** @param fromOutput LoadImageOutput: the output folder's images offered, newest first */
    LoadImageNode(Folders folders, TensorRuntime tensors, boolean fromOutput) {
        this.tensors = tensors;
        this.file = new InputImageFile(folders);
        this.descriptor = NodeDescriptor.builder(fromOutput ? "LoadImageOutput" : "LoadImage")
                .displayName(fromOutput ? "Load Image (from Outputs)" : "Load Image")
                .category("image")
                .description("Loads an image from the " + (fromOutput ? "output folder, newest first" : "input folder")
                        + "; the mask is 1 - alpha (64x64 zeros without alpha).")
                .input(fromOutput ? file.outputSpec() : file.spec())
                .output("IMAGE", ValueType.IMAGE)
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
        return load(tensors, file.decode(inputs), descriptor.typeId() + " " + context.nodeId());
    }

    /** The decoded file as IMAGE [1, H, W, 3] and MASK (1 - alpha; 64x64 zeros without alpha), each owned. */
    private static NodeResult load(TensorRuntime tensors, DecodedImage image, String name) {
        NDManager imageManager = tensors.newManager(name + " IMAGE");
        NDManager maskManager = tensors.newManager(name + " MASK");
        try {
            ImageBatch pixels = ImageBatch.owning(imageManager, ImageBatch.createPixels(imageManager, List.of(image)));
            MaskBatch mask = image.hasAlpha()
                    ? MaskBatch.owning(maskManager, MaskBatch.createInvertedAlpha(maskManager, List.of(image)))
                    : MaskBatch.owning(maskManager, maskManager.zeros(
                            new ai.djl.ndarray.types.Shape(1, MaskBatch.EMPTY_SIZE, MaskBatch.EMPTY_SIZE)));
            return NodeResult.of(pixels, mask);
        } catch (RuntimeException e) {
            imageManager.close();
            maskManager.close();
            throw e;
        }
    }
}
