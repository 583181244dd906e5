package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's {@code prepare_noise(latent, seed, noise_inds)} computed here with torch's generator directly
 * ({@code manual_seed(seed)}, then {@code randn([1, ...])} per entry), against {@link NoiseSource#seeded(long, long[])}.
 */
class BatchIndexNoiseTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Entries 0..count-1 as prepare_noise draws them, one randn([1, ...]) after another from one seeding. */
    private float[][] entries(long seed, Shape entry, int count) {
        manager.getEngine().setRandomSeed((int) seed);
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = manager.randomNormal(0f, 1f, entry, DataType.FLOAT32).toFloatArray();
        }
        return out;
    }

    private static float[] concat(float[]... parts) {
        float[] all = new float[0];
        for (float[] p : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + p.length);
            System.arraycopy(p, 0, all, at, p.length);
        }
        return all;
    }

    @Test
    void entriesAreTheDrawsOfTheirIndices() {
        // 36 values per entry: not a multiple of torch's 16-value blocks, so one randn([n, ...]) would differ.
        for (Shape entry : new Shape[] {new Shape(1, 4, 8, 8), new Shape(1, 4, 3, 3)}) {
            float[][] expected = entries(99, entry, 4);
            Shape two = new Shape(2).addAll(entry.slice(1));
            NDArray got = NoiseSource.seeded(99, new long[] {3, 1}).next(manager, two, DataType.FLOAT32);
            assertArrayEquals(concat(expected[3], expected[1]), got.toFloatArray(), entry.toString());
            NDArray repeated = NoiseSource.seeded(99, new long[] {2, 2}).next(manager, two, DataType.FLOAT32);
            assertArrayEquals(concat(expected[2], expected[2]), repeated.toFloatArray());
        }
        // Index 0 alone is the plain draw of a batch of one.
        Shape one = new Shape(1, 4, 8, 8);
        assertArrayEquals(NoiseSource.seeded(5).next(manager, one, DataType.FLOAT32).toFloatArray(),
                NoiseSource.seeded(5, new long[] {0}).next(manager, one, DataType.FLOAT32).toFloatArray());
    }

    @Test
    void aMismatchedBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> NoiseSource.seeded(1, new long[] {0, 1})
                .next(manager, new Shape(3, 4, 8, 8), DataType.FLOAT32));
        assertThrows(IllegalArgumentException.class, () -> NoiseSource.seeded(1, new long[] {-1}));
    }
}
