package dev.tessera.training;

import java.util.SplittableRandom;

/**
 * The random draws of one training step, a function of the run's seed and the step alone (so a resumed run draws
 * what the uninterrupted one drew): batch indices, timesteps, Gaussian noise, dropout decisions.
 */
public final class StepRandom {

    private final SplittableRandom random;

    public StepRandom(long seed, long step) {
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public double nextDouble() {
        return random.nextDouble();
    }

    /** {@code count} indices in [0, size), drawn with replacement. */
    public int[] indices(int count, int size) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = random.nextInt(size);
        }
        return out;
    }

    /** {@code count} standard normal values (Box-Muller). */
    public float[] gaussians(int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i += 2) {
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u));
            out[i] = (float) (r * Math.cos(2 * Math.PI * v));
            if (i + 1 < count) {
                out[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
            }
        }
        return out;
    }
}
