package dev.tessera.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.TensorRuntime;
import javax.inject.Inject;
import org.junit.Test;

/** DJL with libtorch from the CPU fragment computes inside the framework. */
public class TensorIT extends TesseraOsgiTestBase {

    @Inject
    private TensorRuntime tensors;

    @Test
    public void aMatrixProductIsComputedByPyTorchOnTheCpuInFloat32() {
        assertEquals(Device.cpu(), tensors.device());
        assertEquals(DataType.FLOAT32, tensors.computeType());
        try (NDManager manager = tensors.newManager("itest")) {
            assertEquals("PyTorch", manager.getEngine().getEngineName());
            float[] product = tensors.call(() -> {
                NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
                NDArray b = manager.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
                return a.matMul(b).toFloatArray();
            });
            // [[1,2],[3,4]] x [[5,6],[7,8]] = [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]]
            assertArrayEquals(new float[] {19, 22, 43, 50}, product, 0f);
        }
    }
}
