package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.testing.ConformancePack;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A prompt of more windows than one pass takes is encoded in several passes with the result of one batch: each
 * window's rows equal that window encoded alone, and weights still take the empty window as reference.
 */
class ClipConditioningTest {

    @Test
    void manyWindowsEncodeInPassesAsEachWindowAlone() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.openDiffusers(
                        ConformancePack.dir().resolve("sd15/diffusers"), Device.cpu(), DataType.FLOAT32, manager)) {
            CLIPTextModel model = checkpoint.textEncoder();
            int windows = 2 * ClipConditioning.ROWS_PER_PASS + 3;
            int length = 77;
            SplittableRandom random = new SplittableRandom(4);
            long[] ids = new long[windows * length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(2, 900);
            }
            long[] empty = new long[length];
            java.util.Arrays.fill(empty, 999);
            empty[0] = 998;
            float[] weights = new float[ids.length];
            java.util.Arrays.fill(weights, 1f);
            weights[5] = 1.5f;
            weights[ids.length - 1] = 0.5f;
            NDList encoded = ClipConditioning.encode(model, ids, weights, windows, empty, -1, manager);
            NDArray z = encoded.get(0);
            assertEquals(new Shape(1, (long) windows * length, model.config().hiddenSize()), z.getShape());

            float[] emptyAlone = model.forward(manager.create(empty, new Shape(1, length))).lastHiddenState()
                    .toFloatArray();
            int dim = model.config().hiddenSize();
            float[] all = z.toFloatArray();
            for (int w = 0; w < windows; w++) {
                long[] one = java.util.Arrays.copyOfRange(ids, w * length, (w + 1) * length);
                float[] alone = model.forward(manager.create(one, new Shape(1, length))).lastHiddenState()
                        .toFloatArray();
                for (int t = 0; t < length; t++) {
                    float weight = weights[w * length + t];
                    for (int c = 0; c < dim; c++) {
                        int i = t * dim + c;
                        float expected = weight == 1f ? alone[i]
                                : (alone[i] - emptyAlone[i]) * weight + emptyAlone[i];
                        float actual = all[(w * length + t) * dim + c];
                        assertTrue(Math.abs(actual - expected) <= 1e-4f * (1 + Math.abs(expected)),
                                "window " + w + " token " + t + " channel " + c + ": " + actual + " vs " + expected);
                    }
                }
            }
            long[] first = java.util.Arrays.copyOfRange(ids, 0, length);
            float[] pooledAlone = model.forward(manager.create(first, new Shape(1, length))).pooledOutput()
                    .toFloatArray();
            float[] pooled = encoded.get(1).toFloatArray();
            assertEquals(pooledAlone.length, pooled.length);
            for (int c = 0; c < pooled.length; c++) {
                assertTrue(Math.abs(pooled[c] - pooledAlone[c]) <= 1e-4f * (1 + Math.abs(pooledAlone[c])));
            }
        }
    }
}
