package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageDecoder;
import dev.tessera.image.MaskBatch;
import dev.tessera.image.internal.InputImages;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's LoadImage: an image file from the input folder as IMAGE, and its inverted alpha as MASK. */
@Component(service = NodeType.class)
public final class LoadImageNode implements NodeType {

    static final String IMAGE = "image";

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public LoadImageNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        // "image_upload" as in ComfyUI: editors show an upload button; names outside the list (annotated
        // "x.png [output]", subfolders) are checked by validate() below, not rejected by the host.
        this.descriptor = NodeDescriptor.builder("LoadImage")
                .displayName("Load Image")
                .category("image")
                .description("Loads an image from the input folder; the mask is 1 - alpha (64x64 zeros without alpha).")
                .input(InputSpec.imageUpload(IMAGE, () -> InputImages.list(folders.input()))
                        .withTooltip("An image file in the input folder."))
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
        if (!widgetValues.has(IMAGE)) return List.of();
        try {
            InputImages.resolve(roots(), widgetValues.getString(IMAGE));
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(InputProblem.of(IMAGE, e.getMessage()));
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        if (!widgetValues.has(IMAGE)) return null;
        String name = widgetValues.getString(IMAGE);
        try {
            return InputImages.contentHash(InputImages.resolve(roots(), name));
        } catch (IllegalArgumentException | IOException e) {
            // validate() and execute() report the problem; the key only has to differ from a readable file's.
            return "unreadable:" + name;
        }
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String name = inputs.getString(IMAGE);
        DecodedImage image = decode(name);
        NDManager imageManager = tensors.newManager("LoadImage " + context.nodeId() + " IMAGE");
        NDManager maskManager = tensors.newManager("LoadImage " + context.nodeId() + " MASK");
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

    private DecodedImage decode(String name) {
        Path file;
        try {
            file = InputImages.resolve(roots(), name);
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput(IMAGE, e.getMessage());
        }
        try {
            return ImageDecoder.read(file);
        } catch (IOException e) {
            throw new NodeException("invalid_input", IMAGE, "cannot load image file '" + name + "': " + e.getMessage(), e);
        }
    }

    private InputImages.Roots roots() {
        return new InputImages.Roots(folders.input(), folders.output(), folders.temp());
    }
}
