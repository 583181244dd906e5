package dev.tessera.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The gradients of products with a number survive a garbage collection between the forward and the backward pass,
 * and those of DJL's own {@code mul(Number)} do not (the reason ScalarOps exists; if DJL fixes it, that half fails
 * and tells us).
 */
class ScalarOpsTest {

    /** How many of {@code trials} gradients of {@code sum(op(x, 3))} with respect to x are not 3. */
    private static int wrongGradients(BiFunction<NDArray, Float, NDArray> op, int trials) {
        int wrong = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int i = 0; i < trials; i++) {
                NDArray x = manager.ones(new Shape(4));
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = op.apply(x, 3f).sum();
                    System.gc();
                    for (int k = 0; k < 50; k++) {
                        // New direct buffers take the freed memory.
                        ByteBuffer.allocateDirect(4).putFloat(0, 1e30f);
                    }
                    collector.backward(loss);
                }
                float[] gradient = x.getGradient().toFloatArray();
                if (gradient[0] != 3f) {
                    wrong++;
                }
            }
        }
        return wrong;
    }

    @Test
    void multiplyKeepsItsGradientWhereDjlsNumberProductLosesIt() {
        assertTrue(wrongGradients((x, f) -> ScalarOps.multiply(x, f), 100) == 0);
        assertTrue(wrongGradients((x, f) -> ScalarOps.divide(x, 1 / f), 100) == 0);
        int djl = wrongGradients(NDArray::mul, 100);
        assertTrue(djl > 0, "DJL's mul(Number) gave right gradients after collections: ScalarOps may be unneeded");
    }

    @Test
    void valuesAreTheProductAndQuotient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, -2, 0.5f});
            assertArrayEquals(new float[] {2.5f, -5f, 1.25f}, ScalarOps.multiply(x, 2.5f).toFloatArray());
            assertArrayEquals(new float[] {0.5f, -1f, 0.25f}, ScalarOps.divide(x, 2f).toFloatArray());
        }
    }
}
