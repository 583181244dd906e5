package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.diffusion.nodes.internal.LatentFiles;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.SaveTarget;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's SaveLatent: the samples as a numbered {@code .latent} file (safetensors) in the output folder, with
 * the workflow in its metadata. The noise mask is not saved, as in ComfyUI.
 */
@Component(service = NodeType.class)
public final class SaveLatentNode implements NodeType {

    static final String FILENAME_PREFIX = "filename_prefix";

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SaveLatent")
            .displayName("Save Latent")
            .category("_for_testing")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.string(FILENAME_PREFIX, "latents/ComfyUI", false).withTooltip(
                    "The prefix for the file to save, relative to the output folder; may name a subfolder."))
            .outputNode(true)
            .build();

    private final Folders folders;
    private final TensorRuntime tensors;

    @Activate
    public SaveLatentNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return SaveTarget.validatePrefix(folders.output(), widgetValues, FILENAME_PREFIX);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent latent = inputs.get("samples", Latent.class);
        String prefix = inputs.getString(FILENAME_PREFIX);
        SaveTarget target;
        try {
            target = SaveTarget.resolve(folders.output(), prefix, 0, 0);
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput(FILENAME_PREFIX, e.getMessage());
        } catch (IOException e) {
            throw NodeException.failed("cannot create the folder for '" + prefix + "' under " + folders.output()
                    + ": " + e.getMessage(), e);
        }
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager()) {
            String name = LatentFiles.save(latent.samples(), target,
                    LatentFiles.metadata(context.workflowJson(), context.extraPngInfo()), scratch);
            return NodeResult.of().withUi("latents", List.of(new ImageRef(name, target.subfolder(), "output")));
        } catch (IOException e) {
            throw NodeException.failed("cannot write a latent file to " + target.folder() + ": " + e.getMessage(), e);
        }
    }
}
