package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seed to noise as PyTorch's CPU generator draws it, checked against values computed without libtorch. */
class SeededNoiseTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** MT19937 as PyTorch seeds it: the low 32 bits of the seed, the standard initialisation and tempering. */
    private static final class MersenneTwister {
        private final int[] state = new int[624];
        private int next = 624;

        MersenneTwister(long seed) {
            state[0] = (int) seed;
            for (int i = 1; i < 624; i++) {
                state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
            }
        }

        long nextUnsigned() {
            if (next >= 624) {
                for (int i = 0; i < 624; i++) {
                    int y = (state[i] & 0x80000000) | (state[(i + 1) % 624] & 0x7fffffff);
                    state[i] = state[(i + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
                }
                next = 0;
            }
            int y = state[next++];
            y ^= y >>> 11;
            y ^= (y << 7) & 0x9d2c5680;
            y ^= (y << 15) & 0xefc60000;
            y ^= y >>> 18;
            return y & 0xffffffffL;
        }

        /** A float uniform in [0, 1) from the low 24 bits of one draw, as torch's uniform_real_distribution. */
        float uniform() {
            return (float) ((nextUnsigned() & 0xffffff) * (1.0 / (1 << 24)));
        }
    }

    /** torch's {@code normal_fill} for float tensors of 16 or more elements: Box-Muller on blocks of 16. */
    private static float[] torchRandn(long seed, int size) {
        MersenneTwister mt = new MersenneTwister(seed);
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = mt.uniform();
        }
        for (int i = 0; i + 16 <= size; i += 16) {
            boxMuller16(data, i);
        }
        if (size % 16 != 0) {
            // The tail is redrawn: the last 16 values get fresh uniforms.
            for (int i = 0; i < 16; i++) {
                data[size - 16 + i] = mt.uniform();
            }
            boxMuller16(data, size - 16);
        }
        return data;
    }

    private static void boxMuller16(float[] data, int offset) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1 - data[offset + j];
            float u2 = data[offset + j + 8];
            float radius = (float) Math.sqrt(-2 * (float) Math.log(u1));
            float theta = (float) (2.0f * Math.PI * u2);
            data[offset + j] = radius * (float) Math.cos(theta);
            data[offset + j + 8] = radius * (float) Math.sin(theta);
        }
    }

    @Test
    void mersenneTwisterReferenceIsTheStandardOne() {
        assertEquals(3499211612L, new MersenneTwister(5489).nextUnsigned());
    }

    @Test
    void firstDrawIsTorchManualSeedThenRandn() {
        for (long seed : new long[] {0, 42, 123456789L}) {
            for (int size : new int[] {256, 20}) {
                float[] ours = NoiseSource.seeded(seed).next(manager, new Shape(size), DataType.FLOAT32).toFloatArray();
                float[] reference = torchRandn(seed, size);
                for (int i = 0; i < size; i++) {
                    assertEquals(reference[i], ours[i], 1e-5, "seed " + seed + " size " + size + " element " + i);
                }
            }
        }
    }

    @Test
    void smallDrawsMatchPyTorchsPublishedExample() {
        // torch.manual_seed(42); torch.randn(2, 3), as printed in PyTorch tutorials.
        float[] ours = NoiseSource.seeded(42).next(manager, new Shape(2, 3), DataType.FLOAT32).toFloatArray();
        assertArrayEquals(new float[] {0.3367f, 0.1288f, 0.2345f, 0.2303f, -1.1229f, -0.1863f}, ours, 1e-4f);
    }

    @Test
    void seedsUseTheLow32BitsAsPyTorchDoes() {
        Shape shape = new Shape(1, 4, 8, 8);
        float[] a = NoiseSource.seeded(7).next(manager, shape, DataType.FLOAT32).toFloatArray();
        float[] b = NoiseSource.seeded(7 + (1L << 32)).next(manager, shape, DataType.FLOAT32).toFloatArray();
        float[] c = NoiseSource.seeded(8).next(manager, shape, DataType.FLOAT32).toFloatArray();
        assertArrayEquals(a, b);
        assertTrue(AnalyticModels.relativeL2(c, a) > 1, "another seed, other noise");
    }

    @Test
    void laterDrawsAreReproducibleWhateverElseUsesTheGenerator() {
        Shape shape = new Shape(1, 4, 8, 8);
        NoiseSource quiet = NoiseSource.seeded(99);
        NoiseSource disturbed = NoiseSource.seeded(99);
        float[] first = quiet.next(manager, shape, DataType.FLOAT32).toFloatArray();
        assertArrayEquals(first, disturbed.next(manager, shape, DataType.FLOAT32).toFloatArray());
        float[] second = quiet.next(manager, shape, DataType.FLOAT32).toFloatArray();
        manager.getEngine().setRandomSeed(5);
        manager.randomNormal(new Shape(1000));
        assertArrayEquals(second, disturbed.next(manager, shape, DataType.FLOAT32).toFloatArray());
        assertTrue(AnalyticModels.relativeL2(second, first) > 1, "each draw is fresh noise");
        double mean = 0;
        double square = 0;
        float[] big = NoiseSource.seeded(1).next(manager, new Shape(100_000), DataType.FLOAT32).toFloatArray();
        for (float v : big) {
            mean += v;
            square += v * v;
        }
        mean /= big.length;
        assertEquals(0, mean, 0.02);
        assertEquals(1, square / big.length - mean * mean, 0.02);
    }

    @Test
    void noiseTakesTheRequestedDtypeAndManager() {
        Shape shape = new Shape(1, 4, 8, 8);
        try (NDManager run = manager.newSubManager()) {
            NDArray half = NoiseSource.seeded(3).next(run, shape, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertSame(run, half.getManager());
            float[] full = NoiseSource.seeded(3).next(run, shape, DataType.FLOAT32).toFloatArray();
            float[] rounded = half.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < full.length; i++) {
                assertEquals(full[i], rounded[i], 2e-3 * Math.max(1, Math.abs(full[i])));
            }
        }
    }
}
