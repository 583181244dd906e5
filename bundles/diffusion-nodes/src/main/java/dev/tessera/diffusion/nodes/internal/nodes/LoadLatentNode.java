package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.LatentFiles;
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
import dev.tessera.image.InputImages;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LoadLatent: a {@code .latent} file of the input folder as a LATENT (of unknown format, as the file
 * does not say), reloaded when the file's content changes.
 */
@Component(service = NodeType.class)
public final class LoadLatentNode implements NodeType {

    static final String LATENT = "latent";

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public LoadLatentNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        this.descriptor = NodeDescriptor.builder("LoadLatent")
                .displayName("Load Latent")
                .category("_for_testing")
                .input(InputSpec.combo(LATENT, () -> InputImages.list(folders.input(), LatentFiles.EXTENSION), null)
                        .withTooltip("A .latent file in the input folder."))
                .output("LATENT", ValueType.LATENT)
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    private InputImages.Roots roots() {
        return new InputImages.Roots(folders.input(), folders.output(), folders.temp());
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        if (!widgetValues.has(LATENT)) return List.of();
        try {
            InputImages.resolve(roots(), widgetValues.getString(LATENT), "latent");
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(InputProblem.of(LATENT, e.getMessage()));
        }
    }

    /** The file's content hash, as ComfyUI's IS_CHANGED, so that a replaced file is loaded again. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        if (!widgetValues.has(LATENT)) return null;
        String name = widgetValues.getString(LATENT);
        try {
            return InputImages.contentHash(InputImages.resolve(roots(), name, "latent"));
        } catch (IllegalArgumentException | IOException e) {
            return "unreadable:" + name;
        }
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String name = inputs.getString(LATENT);
        Path file;
        try {
            file = InputImages.resolve(roots(), name, "latent");
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput(LATENT, e.getMessage());
        }
        try {
            return LatentNodes.produce(tensors, context, "LoadLatent",
                    scratch -> new LatentNodes.Parts(LatentFiles.load(file, name, scratch), null, null));
        } catch (IllegalArgumentException e) {
            // Latent.owning's shape check does not know the file
            String message = e.getMessage().contains(name) ? e.getMessage() : "latent file '" + name + "': " + e.getMessage();
            throw NodeException.invalidInput(LATENT, message);
        }
    }
}
