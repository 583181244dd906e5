package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.Latent;

/** The checks of nodes that combine two latents, failing on the second one's input by name. */
final class LatentChecks {

    private LatentChecks() {}

    /**
     * {@code other} must be a latent of {@code base}'s family and channels, and of one entry or as many as
     * {@code base} (ComfyUI's tensors broadcast only so).
     */
    static void sameKind(String otherInput, Latent other, String baseInput, Latent base) {
        if (other.channels() != base.channels()
                || (other.format().isPresent() && base.format().isPresent()
                        && !other.format().get().compatibleWith(base.format().get()))) {
            throw NodeException.invalidInput(otherInput, "a latent " + other.describe() + " does not go with "
                    + baseInput + " " + base.describe() + "; both must come from the same model family");
        }
        if (other.batchSize() != 1 && base.batchSize() != 1 && other.batchSize() != base.batchSize()) {
            throw NodeException.invalidInput(otherInput, "a batch of " + other.batchSize() + " does not go with "
                    + baseInput + "'s batch of " + base.batchSize() + "; give one entry or as many");
        }
    }
}
