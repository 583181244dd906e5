package dev.tessera.sampling.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.sampling.NoiseSource;

/** {@link NoiseSource#seeded}: torch's CPU {@code randn} after {@code manual_seed}, one reseed per draw. */
public final class TorchSeededNoise implements NoiseSource {

    // libtorch has one CPU generator per process; seeding and drawing must not interleave with another run's.
    private static final Object GLOBAL_GENERATOR_LOCK = new Object();

    private final long seed;
    private int draws;

    public TorchSeededNoise(long seed) {
        this.seed = seed;
    }

    @Override
    public NDArray next(NDManager manager, Shape shape, DataType dtype) {
        long drawSeed = draws == 0 ? seed : mix(seed, draws);
        draws++;
        boolean onCpu = manager.getDevice().equals(Device.cpu());
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray noise;
            synchronized (GLOBAL_GENERATOR_LOCK) {
                // PyTorch seeds the CPU generator from the low 32 bits, so the int carries the whole seed.
                manager.getEngine().setRandomSeed((int) drawSeed);
                noise = cpu.randomNormal(0f, 1f, shape, DataType.FLOAT32);
            }
            NDArray placed = onCpu ? noise : noise.toDevice(manager.getDevice(), true);
            NDArray typed = dtype == DataType.FLOAT32 ? placed : placed.toType(dtype, true);
            typed.attach(manager);
            return typed;
        }
    }

    /** SplitMix64 of the seed advanced by {@code draw} golden-ratio increments. */
    static long mix(long seed, long draw) {
        long z = seed + draw * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
