package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's VAELoader ("Load VAE"): an SD1.x VAE or FLUX's autoencoder from the {@code vae} folder
 * ({@code <name>.arch.json} beside it is read when present).
 */
@Component(service = NodeType.class)
public final class VAELoaderNode implements NodeType {

    private final Folders folders;
    private final CheckpointCache cache;
    private final NodeDescriptor descriptor;

    @Activate
    public VAELoaderNode(@Reference Folders folders, @Reference CheckpointCache cache) {
        this.folders = folders;
        this.cache = cache;
        this.descriptor = NodeDescriptor.builder("VAELoader")
                .displayName("Load VAE")
                .category("loaders")
                .input(ModelFiles.combo("vae_name", folders, ModelFiles.VAE, ModelFiles.SAFETENSORS))
                .output("VAE", ValueType.VAE)
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Path file = ModelFiles.resolve(folders, ModelFiles.VAE, "vae_name", inputs.getString("vae_name"));
        try {
            return NodeResult.of(cache.openVae(file));
        } catch (ModelLoadException | UncheckedIOException e) {
            throw new NodeException("invalid_input", "vae_name", e.getMessage(), e);
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return ModelFiles.fingerprint(folders.modelFolder(ModelFiles.VAE).resolve(widgetValues.getString("vae_name")));
    }
}
