package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.SaveTarget;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's SaveImage: each image of the batch as a numbered PNG in the output folder, with the workflow embedded. */
@Component(service = NodeType.class)
public final class SaveImageNode implements NodeType {

    static final String IMAGES = "images";
    static final String FILENAME_PREFIX = "filename_prefix";

    private final Folders folders;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("SaveImage")
            .displayName("Save Image")
            .category("image")
            .description("Saves the input images to the output folder.")
            .input(InputSpec.link(IMAGES, ValueType.IMAGE).withTooltip("The images to save."))
            .input(InputSpec.string(FILENAME_PREFIX, "Tessera", false).withTooltip(
                    "The prefix for the file to save; may name a subfolder ('portraits/run') and use %width%, "
                            + "%height%, %year%, %month%, %day%, %hour%, %minute%, %second%."))
            .outputNode(true)
            .build();

    @Activate
    public SaveImageNode(@Reference Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return SaveTarget.validatePrefix(folders.output(), widgetValues, FILENAME_PREFIX);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return SavedImages.write(inputs, context, folders.output(), inputs.getString(FILENAME_PREFIX),
                FILENAME_PREFIX, "output", SavedImages.SAVE_COMPRESSION);
    }
}
