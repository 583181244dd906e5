package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.VaeFiles;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.sharing.FileStamp;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's VAELoader ("Load VAE"): an SD1.x VAE, FLUX's or SD3's autoencoder from the {@code vae} folder
 * ({@code <name>.arch.json} beside it is read when present). Family-neutral, so a FLUX graph needs no SD node bundle.
 */
@Component(service = NodeType.class)
public final class VAELoaderNode implements NodeType {

    /** ComfyUI's folder of standalone VAEs under the models directory. */
    private static final String VAE = "vae";

    private final Folders folders;
    private final VaeFiles files;
    private final NodeDescriptor descriptor;

    @Activate
    public VAELoaderNode(@Reference Folders folders, @Reference VaeFiles files) {
        this.folders = folders;
        this.files = files;
        this.descriptor = NodeDescriptor.builder("VAELoader")
                .displayName("Load VAE")
                .category("loaders")
                // Listed again whenever asked, so new files appear without a restart.
                .input(InputSpec.combo("vae_name", () -> folders.listModelFiles(VAE, List.of(".safetensors")), null))
                .output("VAE", ValueType.VAE)
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Path file;
        try {
            file = folders.resolveModelFile(VAE, inputs.getString("vae_name"));
        } catch (NodeException e) {
            throw NodeException.invalidInput("vae_name", e.getMessage());
        }
        try {
            return NodeResult.of(files.open(file));
        } catch (ModelLoadException | UncheckedIOException e) {
            throw new NodeException("invalid_input", "vae_name", e.getMessage(), e);
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return FileStamp.changeKey(folders.modelFolder(VAE).resolve(widgetValues.getString("vae_name")));
    }
}
