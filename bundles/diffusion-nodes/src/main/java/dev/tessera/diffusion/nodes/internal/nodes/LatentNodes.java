package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.tensor.TensorRuntime;
import java.util.function.Function;

/**
 * How the latent nodes make their LATENT: the work runs in a scratch manager of the run (closed after), the result
 * gets a manager of its own named after the node, closed if making it fails.
 */
final class LatentNodes {

    /**
     * A latent's parts, computed in the scratch manager; {@code noiseMask}, {@code format} and {@code batchIndex}
     * (ComfyUI's {@code batch_index}) may be null.
     */
    record Parts(NDArray samples, NDArray noiseMask, LatentFormat format, long[] batchIndex) {

        Parts(NDArray samples, NDArray noiseMask, LatentFormat format) {
            this(samples, noiseMask, format, null);
        }
    }

    private LatentNodes() {}

    static NodeResult produce(TensorRuntime tensors, ExecutionContext context, String type,
            Function<NDManager, Parts> body) {
        NDManager owner = tensors.newManager(type + " " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager()) {
            Parts parts = body.apply(scratch);
            return NodeResult.of(Latent.owning(owner, parts.samples(), parts.noiseMask(), parts.format(),
                    parts.batchIndex()));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
