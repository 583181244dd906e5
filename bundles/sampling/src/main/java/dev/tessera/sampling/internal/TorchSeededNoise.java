package dev.tessera.sampling.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.sampling.NoiseSource;

/**
 * {@link NoiseSource#seeded}: torch's CPU {@code randn} after {@code manual_seed}, one reseed per draw; with batch
 * indices the first draw is ComfyUI's {@code prepare_noise(latent, seed, noise_inds)}.
 */
public final class TorchSeededNoise implements NoiseSource {

    // libtorch has one CPU generator per process; seeding and drawing must not interleave with another run's.
    private static final Object GLOBAL_GENERATOR_LOCK = new Object();

    private final long seed;
    private final long[] batchIndex;
    private int draws;

    public TorchSeededNoise(long seed) {
        this(seed, null);
    }

    /**
     * @param batchIndex per latent entry, its index in the batch it was taken from (ComfyUI's {@code batch_index});
     *     null for a whole batch
     */
    public TorchSeededNoise(long seed, long[] batchIndex) {
        this.seed = seed;
        if (batchIndex != null) {
            for (long index : batchIndex) {
                if (index < 0) {
                    throw new IllegalArgumentException("batch_index " + index + " is negative");
                }
            }
        }
        this.batchIndex = batchIndex == null ? null : batchIndex.clone();
    }

    @Override
    public NDArray next(NDManager manager, Shape shape, DataType dtype) {
        boolean first = draws == 0;
        long drawSeed = first ? seed : mix(seed, draws);
        draws++;
        boolean onCpu = manager.getDevice().equals(Device.cpu());
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray noise;
            synchronized (GLOBAL_GENERATOR_LOCK) {
                // PyTorch seeds the CPU generator from the low 32 bits, so the int carries the whole seed.
                manager.getEngine().setRandomSeed((int) drawSeed);
                noise = first && batchIndex != null ? byIndex(cpu, shape)
                        : cpu.randomNormal(0f, 1f, shape, DataType.FLOAT32);
            }
            NDArray placed = onCpu ? noise : noise.toDevice(manager.getDevice(), true);
            NDArray typed = dtype == DataType.FLOAT32 ? placed : placed.toType(dtype, true);
            typed.attach(manager);
            return typed;
        }
    }

    /**
     * ComfyUI's {@code prepare_noise} with {@code noise_inds}: entries {@code 0..max(index)} drawn one after another
     * ({@code randn([1, ...])} each, from the one seeded generator), entry {@code i} of the result being draw
     * {@code batchIndex[i]}, so a latent taken from a batch gets the noise it had in the batch.
     */
    private NDArray byIndex(NDManager cpu, Shape shape) {
        if (shape.dimension() < 1 || shape.get(0) != batchIndex.length) {
            throw new IllegalArgumentException("batch_index has " + batchIndex.length + " entries for a latent batch"
                    + " of shape " + shape);
        }
        long last = java.util.Arrays.stream(batchIndex).max().orElse(0);
        Shape entry = new Shape(1).addAll(shape.slice(1));
        NDArray[] drawn = new NDArray[(int) last + 1];
        for (int i = 0; i <= last; i++) {
            drawn[i] = cpu.randomNormal(0f, 1f, entry, DataType.FLOAT32);
        }
        ai.djl.ndarray.NDList picked = new ai.djl.ndarray.NDList();
        for (long index : batchIndex) {
            picked.add(drawn[(int) index]);
        }
        return ai.djl.ndarray.NDArrays.concat(picked, 0);
    }

    /** SplitMix64 of the seed advanced by {@code draw} golden-ratio increments. */
    static long mix(long seed, long draw) {
        long z = seed + draw * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
