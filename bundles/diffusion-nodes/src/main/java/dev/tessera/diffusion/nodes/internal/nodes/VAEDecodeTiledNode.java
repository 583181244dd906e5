package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.diffusion.nodes.internal.TiledVae;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.Vae;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's VAEDecodeTiled: VAEDecode in overlapping tiles of {@code tile_size} pixels ({@link TiledVae}); as in
 * ComfyUI an overlap above a quarter of the tile is cut to a quarter. {@code temporal_size} and
 * {@code temporal_overlap} are for video VAEs, which Tessera does not have: accepted and unused.
 */
@Component(service = NodeType.class)
public final class VAEDecodeTiledNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = TiledNodes.tileInputs(NodeDescriptor.builder("VAEDecodeTiled")
            .displayName("VAE Decode (Tiled)")
            .category("_for_testing")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.link("vae", ValueType.VAE)),
                    32, "decode")
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public VAEDecodeTiledNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent samples = inputs.get("samples", Latent.class);
        Vae vae = inputs.get("vae", Vae.class);
        VAEDecodeNode.checkDecodable(samples, vae);
        int tileSize = (int) inputs.getInt("tile_size");
        int overlap = (int) inputs.getInt("overlap");
        if (tileSize < overlap * 4) {
            overlap = tileSize / 4;
        }
        int d = vae.latentFormat().downscale();
        int tile = tileSize / d;
        int cells = overlap / d;
        int total = TiledVae.calls(samples.batchSize(), samples.height(), samples.width(), tile, cells);
        NDManager owner = tensors.newManager("VAEDecodeTiled " + context.nodeId());
        try {
            return NodeResult.of(ImageBatch.owning(owner, TiledVae.decode(vae, samples.samples(), tile, cells, owner,
                    TiledNodes.progress(context, total))));
        } catch (IllegalArgumentException e) {
            owner.close();
            throw NodeException.invalidInput("tile_size", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
