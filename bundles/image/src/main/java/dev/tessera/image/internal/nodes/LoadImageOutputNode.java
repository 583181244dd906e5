package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LoadImageOutput ("Load Image (from Outputs)"): LoadImage over the output folder, its images offered as
 * {@code "name [output]"} newest first (ComfyUI's editor asks {@code /internal/files/output} for them), so a result
 * can be fed back in. Any name LoadImage takes is accepted, as in ComfyUI.
 */
@Component(service = NodeType.class)
public final class LoadImageOutputNode implements NodeType {

    private final TensorRuntime tensors;
    private final InputImageFile file;
    private final NodeDescriptor descriptor;

    @Activate
    public LoadImageOutputNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.tensors = tensors;
        this.file = new InputImageFile(folders);
        this.descriptor = NodeDescriptor.builder("LoadImageOutput")
                .displayName("Load Image (from Outputs)")
                .category("image")
                .description("Loads an image from the output folder, newest first; the mask is 1 - alpha.")
                .input(file.outputSpec())
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
        return LoadImageNode.load(tensors, file.decode(inputs), "LoadImageOutput " + context.nodeId());
    }
}
