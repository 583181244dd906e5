package dev.tessera.model.api;

import dev.tessera.sampling.Denoiser;

/**
 * A model bound to its conditioning and guidance, as a sampler calls it. It holds the (possibly patched) model and
 * the prepared conditioning until closed; close it when sampling ends.
 */
public interface BoundDenoiser extends Denoiser, AutoCloseable {

    @Override
    void close();
}
