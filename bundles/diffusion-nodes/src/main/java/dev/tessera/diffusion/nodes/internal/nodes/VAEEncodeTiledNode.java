package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
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
 * ComfyUI's VAEEncodeTiled: VAEEncode (the image cropped to whole latent cells the same way) in overlapping tiles of
 * {@code tile_size} pixels ({@link TiledVae}). {@code temporal_size} and {@code temporal_overlap} are for video VAEs:
 * accepted and unused.
 */
@Component(service = NodeType.class)
public final class VAEEncodeTiledNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = TiledNodes.tileInputs(NodeDescriptor.builder("VAEEncodeTiled")
            .displayName("VAE Encode (Tiled)")
            .category("_for_testing")
            .input(InputSpec.link("pixels", ValueType.IMAGE))
            .input(InputSpec.link("vae", ValueType.VAE)),
                    64, "encode")
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public VAEEncodeTiledNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch pixels = inputs.get("pixels", ImageBatch.class);
        Vae vae = inputs.get("vae", Vae.class);
        VAEEncodeNode.checkEncodable(pixels, vae);
        int tile = (int) inputs.getInt("tile_size");
        int overlap = (int) inputs.getInt("overlap");
        if (overlap * 2 >= tile) {
            throw NodeException.invalidInput("overlap", "overlap " + overlap + " with tile_size " + tile + " leaves"
                    + " no step between the half-size tiles; use an overlap below " + tile / 2);
        }
        int d = vae.latentFormat().downscale();
        int total = TiledVae.calls(pixels.batchSize(), pixels.height() / d * d, pixels.width() / d * d, tile,
                overlap);
        NDManager owner = tensors.newManager("VAEEncodeTiled " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager()) {
            NDArray cropped = VAEEncodeNode.cropToCells(pixels, vae, scratch);
            return NodeResult.of(Latent.owning(owner, TiledVae.encode(vae, cropped, tile, overlap, owner,
                    TiledNodes.progress(context, total)), null, vae.latentFormat()));
        } catch (IllegalArgumentException e) {
            owner.close();
            throw NodeException.invalidInput("pixels", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
