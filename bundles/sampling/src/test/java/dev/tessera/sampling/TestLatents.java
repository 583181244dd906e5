package dev.tessera.sampling;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Deterministic test latents and a live-tensor count. */
final class TestLatents {

    private TestLatents() {}

    /** Values {@code 1.5 sin(1.3 i + 0.2)}: smooth, signed, no two equal. */
    static float[] values(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (1.5 * Math.sin(1.3 * i + 0.2));
        }
        return v;
    }

    static NDArray latent(NDManager manager, long... shape) {
        Shape s = new Shape(shape);
        return manager.create(values((int) s.size()), s);
    }

    /** Arrays alive in {@code manager} and its sub-managers. */
    static int liveArrays(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }
}
