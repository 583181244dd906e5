package dev.tessera.conformance.runner.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.sampling.NoiseSource;

/** The per-step noise a case recorded (tensor {@code noise}, one slice per draw), replayed in order. */
final class RecordedNoise implements NoiseSource {

    private final NDArray noise;
    private int draw;

    /** @param noise the recorded draws stacked on axis 0, or null when the case records none */
    RecordedNoise(NDArray noise) {
        this.noise = noise;
    }

    @Override
    public NDArray next(NDManager manager, Shape shape, DataType dtype) {
        if (noise == null) {
            throw new IllegalStateException("the sampler draws noise but the case records none (no tensor"
                    + " 'noise')");
        }
        if (draw >= noise.getShape().get(0)) {
            throw new IllegalStateException("the sampler drew noise " + (draw + 1) + " times but tensor 'noise'"
                    + " records " + noise.getShape().get(0) + " draws");
        }
        try (NDArray slice = noise.get(new NDIndex(draw))) {
            if (!slice.getShape().equals(shape)) {
                throw new IllegalStateException("the sampler drew noise of shape " + shape + " but draw " + draw
                        + " of tensor 'noise' has shape " + slice.getShape());
            }
            draw++;
            // A copy: the sampler frees what it draws.
            NDArray copy = slice.toType(dtype, true);
            if (!copy.getDevice().equals(manager.getDevice())) {
                NDArray moved = copy.toDevice(manager.getDevice(), true);
                copy.close();
                copy = moved;
            }
            copy.attach(manager);
            return copy;
        }
    }
}
